package io.nyx.backend;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Jackson behind {@link StructuredReply#parse}. Thread-safe. */
final class StructuredReplyParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, @Nullable Object>> FIELDS =
      new TypeReference<>() {};

  private StructuredReplyParser() {}

  static StructuredReply parse(String content) {
    JsonNode node;
    try {
      node = JSON.readTree(content);
    } catch (IOException e) {
      return new StructuredReply.Unreadable("not JSON");
    }
    if (node == null || !node.isObject()) {
      return new StructuredReply.Unreadable("not a JSON object");
    }
    Map<String, @Nullable Object> values = JSON.convertValue(node, FIELDS);
    return new StructuredReply.Fields(Collections.unmodifiableMap(values));
  }
}
