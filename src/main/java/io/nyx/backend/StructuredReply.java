package io.nyx.backend;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The content of a reply asked for with a {@link JsonSchemaFormat}, read as a JSON object. A server
 * may ignore the schema, so the caller still checks every field; this only says whether there is an
 * object to check, so callers need no JSON library.
 */
public sealed interface StructuredReply {
  /**
   * The object's fields in document order (the last of a repeated key), as plain Java values:
   * String, Integer, Long, BigInteger, Double, Boolean, List, Map, or null for JSON null.
   */
  record Fields(Map<String, @Nullable Object> values) implements StructuredReply {}

  /** No object: {@code reason} is "not JSON" or "not a JSON object". */
  record Unreadable(String reason) implements StructuredReply {}

  /** Reads the first JSON value of {@code content}; what follows it is ignored. */
  static StructuredReply parse(String content) {
    return StructuredReplyParser.parse(content);
  }
}
