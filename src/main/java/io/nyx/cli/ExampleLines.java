package io.nyx.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.export.Blend;
import io.nyx.export.ExportRequest;
import java.util.List;
import java.util.Locale;

/**
 * The check of a {@code --mix} file's lines: each one JSON value in the export's own format for its
 * kind ({@code messages} for SFT; {@code prompt}, {@code chosen} and {@code rejected} for
 * preferences), every one a non-empty list of {@code {"role", "content"}} messages.
 */
final class ExampleLines {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ExampleLines() {}

  static Blend.LineCheck of(ExportRequest.Kind kind) {
    return line -> check(line, kind);
  }

  private static void check(String line, ExportRequest.Kind kind) {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not one JSON value: " + e.getOriginalMessage());
    }
    List<String> fields =
        kind == ExportRequest.Kind.SFT
            ? List.of("messages")
            : List.of("prompt", "chosen", "rejected");
    for (String f : fields) {
      if (!isChat(n.path(f))) {
        throw new IllegalArgumentException(
            "'"
                + f
                + "' must be a non-empty list of {\"role\", \"content\"} messages for "
                + kind.name().toLowerCase(Locale.ROOT)
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
