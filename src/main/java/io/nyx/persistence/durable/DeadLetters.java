package io.nyx.persistence.durable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The dead-letter files of a spool directory ({@code queries.spool.dead} beside {@code
 * queries.spool}, and so on): append-only, framed like the spools, one {@link DeadLetter} per
 * frame. For {@code nyx spool}; run it while serve is stopped, since a running server appends to
 * these files and replays the spools.
 */
public final class DeadLetters {
  static final String SUFFIX = ".dead";

  private DeadLetters() {}

  /** The dead-letter file of a spool file. */
  static Path of(Path spool) {
    return spool.resolveSibling(spool.getFileName() + SUFFIX);
  }

  /** Every dead letter in {@code spoolDir}, by file name, then in the order they were written. */
  public static List<DeadLetter> list(Path spoolDir) {
    List<DeadLetter> all = new ArrayList<>();
    for (Path dead : files(spoolDir)) {
      try {
        for (byte[] frame : new SpoolFile(dead).readAll().frames()) {
          all.add(DeadLetter.decode(frame));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read dead letters in " + dead, e);
      }
    }
    return all;
  }

  /**
   * Puts every dead-lettered frame back at the end of its spool, then removes the dead-letter file;
   * the next start replays them (each again dead-lettered if its cause was not fixed). A re-drive
   * cut short puts some frames back twice, which replay tolerates: every spool's writes are
   * idempotent.
   *
   * @return the frames put back
   */
  public static int redrive(Path spoolDir) {
    int moved = 0;
    for (Path dead : files(spoolDir)) {
      String name = dead.getFileName().toString();
      SpoolFile spool =
          new SpoolFile(dead.resolveSibling(name.substring(0, name.length() - SUFFIX.length())));
      try {
        for (byte[] frame : new SpoolFile(dead).readAll().frames()) {
          spool.append(DeadLetter.decode(frame).frame());
          moved++;
        }
        Files.delete(dead);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot re-drive dead letters in " + dead, e);
      }
    }
    return moved;
  }

  private static List<Path> files(Path spoolDir) {
    if (!Files.isDirectory(spoolDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(spoolDir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".spool" + SUFFIX))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + spoolDir, e);
    }
  }
}
