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
    try (InputStream in =
        Objects.requireNonNull(LabeledSet.class.getResourceAsStream("/safety/labeled.tsv"))) {
      List<Example> dev = new ArrayList<>();
      List<Example> test = new ArrayList<>();
      int i = 0;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\t", 2);
        (i++ % 2 == 0 ? dev : test).add(new Example(parts[0], parts[1]));
      }
      return new LabeledSet(dev, test);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
