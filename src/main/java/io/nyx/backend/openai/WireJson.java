package io.nyx.backend.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Lenient reads of vLLM JSON: keys may be absent, null or of an unexpected type (streamed chunks
 * omit keys vLLM never set); every accessor falls back instead of throwing.
 */
final class WireJson {
  static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private WireJson() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** The parsed tree, or null when the bytes are not JSON. */
  static @Nullable JsonNode tryParse(byte[] body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }

  static @Nullable JsonNode tryParse(String text) {
    return tryParse(text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  static String text(JsonNode node, String key) {
    JsonNode v = node.path(key);
    return v.isValueNode() && !v.isNull() ? v.asText() : "";
  }

  static @Nullable String textOrNull(JsonNode node, String key) {
    JsonNode v = node.path(key);
    return v.isTextual() ? v.asText() : null;
  }

  static int integer(JsonNode node, String key) {
    JsonNode v = node.path(key);
    return v.isNumber() ? v.asInt() : 0;
  }

  static @Nullable Integer integerOrNull(JsonNode node, String key) {
    JsonNode v = node.path(key);
    return v.isNumber() ? v.asInt() : null;
  }
}
