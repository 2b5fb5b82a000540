package io.nyx.persistence.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ToolCall;
import io.nyx.text.JsonText;
import io.nyx.text.StorableText;
import java.util.List;
import java.util.Map;

/**
 * jsonb columns as Java values. Bound as text and cast in SQL ({@code CAST(? AS jsonb)}). The
 * mapper is configured once and only read afterwards, so sharing it is thread-safe.
 */
public final class JsonColumns {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private JsonColumns() {}

  /**
   * The value as JSON text for a {@code jsonb} parameter, with U+0000 and unpaired surrogates in
   * its strings and keys replaced by U+FFFD: {@code jsonb} refuses {@code \u0000} (SQLSTATE 22P05)
   * and model output may hold either (see {@link Sql#text}). Jackson writes a NUL as that escape
   * and a lone surrogate as is, so clean JSON, the usual case, is returned without a second pass.
   */
  static String write(Object value) {
    try {
      String json = MAPPER.writeValueAsString(value);
      if (!json.contains("\\u0000") && StorableText.defect(json).isEmpty()) {
        return json;
      }
      return MAPPER.writeValueAsString(JsonText.clean(MAPPER.valueToTree(value)));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not representable as JSON: " + e.getMessage(), e);
    }
  }

  public static Map<String, Object> readMap(String json) {
    return read(json, MAP);
  }

  /** Messages in their stored shape ({@link StoredMessages}). */
  public static List<ChatMessage> readMessages(String json) {
    return StoredMessages.read(tree(json));
  }

  public static List<ToolCall> readToolCalls(String json) {
    return StoredMessages.readToolCalls(tree(json));
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON does not parse", e);
    }
  }

  private static <T> T read(String json, TypeReference<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON does not fit " + type.getType(), e);
    }
  }
}
