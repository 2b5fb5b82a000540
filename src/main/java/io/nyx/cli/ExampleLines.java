package io.nyx.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.export.Blend;
import io.nyx.export.ExportRequest;
import io.nyx.export.Format;
import java.util.List;

/**
 * The check of a {@code --mix} file's lines: each one JSON value in the export's own kind and
 * format, its chats non-empty lists of {@code {"role", "content"}} messages:
 *
 * <ul>
 *   <li>SFT (either format): {@code messages};
 *   <li>TRL preferences: {@code prompt}, {@code chosen}, {@code rejected};
 *   <li>OpenAI preferences: {@code input.messages}, {@code preferred_output}, {@code
 *       non_preferred_output};
 *   <li>KTO: {@code prompt}, {@code completion} and a boolean {@code label}.
 * </ul>
 */
final class ExampleLines {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ExampleLines() {}

  static Blend.LineCheck of(ExportRequest.Kind kind) {
    return of(kind, Format.TRL);
  }

  static Blend.LineCheck of(ExportRequest.Kind kind, Format format) {
    return line -> check(line, kind, format);
  }

  private static void check(String line, ExportRequest.Kind kind, Format format) {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not one JSON value: " + e.getOriginalMessage());
    }
    for (String pointer : chats(kind, format)) {
      if (!isChat(n.at(pointer))) {
        throw new IllegalArgumentException(
            "'"
                + pointer.substring(1).replace('/', '.')
                + "' must be a non-empty list of {\"role\", \"content\"} messages for "
                + kind.label()
                + " data in the "
                + format.label()
                + " format");
      }
    }
    if (kind == ExportRequest.Kind.KTO && !n.path("label").isBoolean()) {
      throw new IllegalArgumentException("'label' must be true or false for kto data");
    }
  }

  /** JSON pointers of the chats a line must hold. */
  private static List<String> chats(ExportRequest.Kind kind, Format format) {
    return switch (kind) {
      case SFT -> List.of("/messages");
      case PREFERENCES ->
          format == Format.OPENAI
              ? List.of("/input/messages", "/preferred_output", "/non_preferred_output")
              : List.of("/prompt", "/chosen", "/rejected");
      case KTO -> List.of("/prompt", "/completion");
    };
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
