package io.nyx.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.pipeline.NyxException;
import io.nyx.text.JsonText;
import java.io.IOException;

/**
 * The API's JSON: a tree parser (never binds to arbitrary classes) that rejects duplicate keys,
 * trailing garbage and non-standard JSON, and a writer.
 */
final class Json {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** The body as a JSON object, or a 400 naming what is wrong with it. */
  static ObjectNode parseObject(byte[] body) {
    JsonNode node = parse(body);
    if (!(node instanceof ObjectNode obj)) {
      throw new NyxException.BadRequest("body", "expected a JSON object but got " + kind(node));
    }
    return obj;
  }

  /**
   * The body as JSON, or a 400 naming what is wrong with it. Every body goes through here, so this
   * is the one place that refuses text PostgreSQL cannot store (U+0000, unpaired surrogates) in any
   * string or key, naming its path: accepted, it would fail the row's insert after the answer.
   */
  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw new NyxException.BadRequest("body", "request body is empty; expected a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new NyxException.BadRequest("body", "malformed JSON: " + shortMessage(e));
    }
    JsonText.defect(node)
        .ifPresent(
            f -> {
              throw new NyxException.BadRequest(
                  f.path().isEmpty() ? "body" : f.path(), f.describe());
            });
    return node;
  }

  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise response", e);
    }
  }

  static String kind(JsonNode node) {
    return node == null || node.isMissingNode()
        ? "nothing"
        : node.getNodeType().name().toLowerCase();
  }

  private static String shortMessage(IOException e) {
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
