package io.nyx.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Outside examples (a JSON-lines dataset in the export's own format) mixed into an export so that
 * they make up {@code ratio} of its lines: with n lines from Nyx's own rows, {@code round(n · ratio
 * / (1 − ratio))} lines drawn from the file without repetition (all of them when it has fewer),
 * seeded, kept in file order. Every line of the file is checked first; a bad one is refused with
 * its line number, before anything is written.
 */
public final class Blend {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> lines;
  private final double ratio;
  private final long seed;

  private Blend(List<String> lines, double ratio, long seed) {
    this.lines = lines;
    this.ratio = ratio;
    this.seed = seed;
  }

  /**
   * @throws IllegalArgumentException when {@code ratio} is outside [0, 1) or a line of {@code file}
   *     is not an example of {@code kind} (naming the line)
   */
  public static Blend of(Path file, ExportRequest.Kind kind, double ratio, long seed)
      throws IOException {
    if (!(ratio >= 0 && ratio < 1)) {
      throw new IllegalArgumentException("the mix ratio must be in [0, 1) but was " + ratio);
    }
    List<String> kept = new ArrayList<>();
    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < all.size(); i++) {
      String line = all.get(i).strip();
      if (!line.isEmpty()) {
        check(line, kind, file + ":" + (i + 1));
        kept.add(line);
      }
    }
    return new Blend(kept, ratio, seed);
  }

  /** How many outside lines go with {@code own} lines of Nyx's. */
  public long count(long own) {
    return Math.min(lines.size(), Math.round(own * ratio / (1 - ratio)));
  }

  /** Writes {@link #count} lines to {@code out}; returns how many. */
  public long write(long own, OutputStream out) throws IOException {
    int k = (int) count(own);
    boolean[] chosen = new boolean[lines.size()];
    SplittableRandom random = new SplittableRandom(seed);
    // Selection sampling (Knuth's algorithm S): each line kept with probability needed / left.
    int needed = k;
    for (int i = 0; i < lines.size() && needed > 0; i++) {
      if (random.nextInt(lines.size() - i) < needed) {
        chosen[i] = true;
        needed--;
      }
    }
    for (int i = 0; i < lines.size(); i++) {
      if (chosen[i]) {
        out.write(lines.get(i).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      }
    }
    return k;
  }

  private static void check(String line, ExportRequest.Kind kind, String where) {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + ": not JSON: " + e.getOriginalMessage());
    }
    List<String> fields =
        kind == ExportRequest.Kind.SFT
            ? List.of("messages")
            : List.of("prompt", "chosen", "rejected");
    for (String f : fields) {
      if (!isChat(n.path(f))) {
        throw new IllegalArgumentException(
            where
                + ": '"
                + f
                + "' must be a non-empty list of {\"role\", \"content\"} messages for "
                + kind.name().toLowerCase(java.util.Locale.ROOT)
                + " data");
      }
    }
  }

  private static boolean isChat(JsonNode list) {
    if (!list.isArray() || list.isEmpty()) {
      return false;
    }
    for (JsonNode m : list) {
      if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
        return false;
      }
    }
    return true;
  }
}
