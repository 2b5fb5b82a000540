package io.nyx.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.evaluation.Labeled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The labeled routing sets and their specialists files, from {@code src/test/resources/routing}.
 */
public final class LabeledSets {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LabeledSets() {}

  /** A file of the sets, whole ({@code hundred-intents.yaml}); fails when absent. */
  public static String text(String name) {
    try (InputStream in = LabeledSets.class.getResourceAsStream("/routing/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no labeled set file " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One JSON-lines set ({@code {"text", "label"}} per line, "none" out of scope), in order. */
  public static List<Labeled> read(String name) {
    List<Labeled> out = new ArrayList<>();
    for (String line : text(name).lines().filter(l -> !l.isBlank()).toList()) {
      try {
        JsonNode n = JSON.readTree(line);
        out.add(new Labeled(n.get("text").asText(), n.get("label").asText()));
      } catch (IOException e) {
        throw new UncheckedIOException(name + ": " + line, e);
      }
    }
    return out;
  }
}
