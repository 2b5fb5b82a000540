package io.nyx.safety;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** src/test/resources/safety/labeled.tsv: even positions are the dev half, odd the test half. */
record LabeledSet(List<Example> dev, List<Example> test) {

  record Example(String category, String text) {
    boolean risky() {
      return !"benign".equals(category);
    }
  }

  static LabeledSet load() {
    List<Example> all = read("labeled.tsv");
    List<Example> dev = new ArrayList<>();
    List<Example> test = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      (i % 2 == 0 ? dev : test).add(all.get(i));
    }
    return new LabeledSet(dev, test);
  }

  /** Every example of {@code src/test/resources/safety/<name>}, in order. */
  static List<Example> read(String name) {
    try (InputStream in =
        Objects.requireNonNull(LabeledSet.class.getResourceAsStream("/safety/" + name), name)) {
      List<Example> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\t", 2);
        out.add(new Example(parts[0], parts[1]));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
