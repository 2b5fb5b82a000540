package io.nyx.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nyx.export.Blend;
import io.nyx.export.ExportFile;
import io.nyx.export.ExportRequest;
import io.nyx.export.Report;
import io.nyx.export.Split;
import io.nyx.export.TrainingExport;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An export written to files: for {@code --out data/kairos.jsonl}, the training part in {@code
 * data/kairos.jsonl}, the validation part (when there is one) in {@code data/kairos.val.jsonl} and
 * the manifest in {@code data/kairos.manifest.json}. Each is written to a temporary file beside its
 * target and moved over it only when the whole export is done, the manifest last: a manifest that
 * exists describes complete files (with their SHA-256). Files get the replaced file's permissions,
 * or rw-r--r--, for a training job running as another user.
 */
final class ExportFiles {
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path train;
  private final Path validation;
  private final Path manifest;

  ExportFiles(Path out) {
    Path abs = out.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null) {
      throw new UsageException("--out must name a file, not " + out);
    }
    String name = abs.getFileName().toString();
    String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
    this.train = abs;
    this.validation = dir.resolve(stem + ".val.jsonl");
    this.manifest = dir.resolve(stem + ".manifest.json");
  }

  Path manifest() {
    return manifest;
  }

  /** What was written: the report, the outside lines mixed in. */
  record Written(Report report, long mixed) {}

  /**
   * Runs the export into the files (and {@code blend}'s share of outside lines into the training
   * part), then writes the manifest.
   */
  Written write(
      TrainingExport export,
      ExportRequest request,
      @Nullable Blend blend,
      @Nullable String mixFile,
      Instant now)
      throws IOException {
    Map<Split, Part> parts = new EnumMap<>(Split.class);
    List<Part> opened = new ArrayList<>();
    try {
      Report report =
          export.export(
              request,
              split -> parts.computeIfAbsent(split, s -> opened(opened, target(s))).stream());
      Part trainPart = parts.computeIfAbsent(Split.TRAIN, s -> opened(opened, train));
      long own = report.lines().getOrDefault(Split.TRAIN, 0L);
      long mixed = blend == null ? 0 : blend.write(own, trainPart.stream());
      List<ExportFile> files = new ArrayList<>();
      for (Map.Entry<Split, Part> e : parts.entrySet()) {
        long lines = report.lines().getOrDefault(e.getKey(), 0L);
        if (e.getKey() == Split.TRAIN) {
          lines += mixed;
        }
        files.add(e.getValue().finish(e.getKey(), lines));
      }
      Report.Mixed mix =
          blend == null || mixFile == null
              ? null
              : new Report.Mixed(Path.of(mixFile).getFileName().toString(), blend.ratio(), mixed);
      Part m = opened(opened, manifest);
      PRETTY.writeValue(m.stream(), report.manifest(files, mix, now));
      m.stream().write('\n');
      m.finish(Split.TRAIN, 0);
      return new Written(report, mixed);
    } finally {
      for (Part p : opened) {
        p.discard();
      }
    }
  }

  private static Part opened(List<Part> opened, Path target) {
    Part p = Part.open(target);
    opened.add(p);
    return p;
  }

  private Path target(Split s) {
    return s == Split.TRAIN ? train : validation;
  }

  /** One file being written: a temporary file beside its target, hashed as it is written. */
  private static final class Part {
    private final Path target;
    private final Path tmp;
    private final MessageDigest sha256;
    private final DigestOutputStream stream;
    private boolean moved;

    private Part(Path target, Path tmp, MessageDigest sha256, DigestOutputStream stream) {
      this.target = target;
      this.tmp = tmp;
      this.sha256 = sha256;
      this.stream = stream;
    }

    static Part open(Path target) {
      try {
        Path tmp =
            Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        readableLikeAPlainFile(tmp, target);
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        return new Part(
            target,
            tmp,
            d,
            new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)), d));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot write next to " + target, e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }

    OutputStream stream() {
      return stream;
    }

    /** Closes the file and moves it over its target. */
    ExportFile finish(Split split, long lines) throws IOException {
      stream.close();
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      return new ExportFile(
          split, target.getFileName().toString(), lines, HexFormat.of().formatHex(sha256.digest()));
    }

    /** Removes the temporary file of an export that did not finish. */
    void discard() throws IOException {
      if (!moved) {
        stream.close();
        Files.deleteIfExists(tmp);
      }
    }

    /**
     * A temporary file is private (0600); an export replaces or becomes an ordinary file, so it
     * takes the old file's permissions, or rw-r--r--.
     */
    private static void readableLikeAPlainFile(Path tmp, Path target) throws IOException {
      if (!tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        return;
      }
      Files.setPosixFilePermissions(
          tmp,
          Files.exists(target)
              ? Files.getPosixFilePermissions(target)
              : PosixFilePermissions.fromString("rw-r--r--"));
    }
  }
}
