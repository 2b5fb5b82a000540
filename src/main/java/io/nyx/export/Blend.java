package io.nyx.export;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Outside examples (a JSON-lines dataset in the export's own format) mixed into an export so that
 * they make up {@code ratio} of its lines: with n lines from Nyx's own rows, {@code round(n · ratio
 * / (1 − ratio))} lines drawn from the file without repetition — all of them when it has fewer, so
 * a small file gives less than the ratio; none for an empty export — seeded, kept in file order.
 * Every line of the file is checked first (a bad one is refused with its line number, before
 * anything is written); the file is read as a stream, twice, never held in memory.
 */
public final class Blend {
  /** Whether one line of the file is an example of the export's kind. */
  @FunctionalInterface
  public interface LineCheck {
    /**
     * Refuses a line that is not an example.
     *
     * @throws IllegalArgumentException saying what is wrong with the line (the blend adds where)
     */
    void check(String line);
  }

  private final Path file;
  private final long lines;
  private final double ratio;
  private final long seed;

  private Blend(Path file, long lines, double ratio, long seed) {
    this.file = file;
    this.lines = lines;
    this.ratio = ratio;
    this.seed = seed;
  }

  /**
   * @throws IllegalArgumentException when {@code ratio} is outside [0, 1) or {@code check} refuses
   *     a line of {@code file} (naming the line)
   */
  public static Blend of(Path file, LineCheck check, double ratio, long seed) throws IOException {
    if (!(ratio >= 0 && ratio < 1)) {
      throw new IllegalArgumentException("the mix ratio must be in [0, 1) but was " + ratio);
    }
    long count = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
        String line = clean(raw, ++number);
        if (!line.isEmpty()) {
          check(check, line, file + ":" + number);
          count++;
        }
      }
    }
    return new Blend(file, count, ratio, seed);
  }

  /** The share of an export's lines the file is to make up. */
  public double ratio() {
    return ratio;
  }

  /** How many outside lines go with {@code own} lines of Nyx's. */
  public long count(long own) {
    return Math.min(lines, Math.round(own * ratio / (1 - ratio)));
  }

  /** Writes {@link #count} lines to {@code out}; returns how many. */
  public long write(long own, OutputStream out) throws IOException {
    long needed = count(own);
    long written = 0;
    SplittableRandom random = new SplittableRandom(seed);
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long left = lines;
      int number = 0;
      // Selection sampling (Knuth's algorithm S): each line kept with probability needed / left.
      for (String raw = in.readLine(); raw != null && needed > 0; raw = in.readLine()) {
        String line = clean(raw, ++number);
        if (line.isEmpty()) {
          continue;
        }
        if (random.nextLong(left) < needed) {
          out.write(line.getBytes(StandardCharsets.UTF_8));
          out.write('\n');
          needed--;
          written++;
        }
        left--;
      }
    }
    return written;
  }

  /** The line without surrounding blanks, and without a byte-order mark on the first. */
  private static String clean(String raw, int number) {
    String line = number == 1 && raw.startsWith("\uFEFF") ? raw.substring(1) : raw;
    return line.strip();
  }

  private static void check(LineCheck check, String line, String where) {
    try {
      check.check(line);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }
}
