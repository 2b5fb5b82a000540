package io.nyx.persistence.durable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.memory.Owner;
import io.nyx.persistence.jdbc.JsonColumns;
import io.nyx.pipeline.QueryRecord;
import io.nyx.text.JsonText;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A {@link QueryRecord} as one JSON document (the spool's frame payload), and back, losslessly. */
final class QueryRecordCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private QueryRecordCodec() {}

  static byte[] encode(QueryRecord r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", r.id().toString());
    o.put("created_at", r.createdAt().toString());
    o.put("session_id", r.sessionId());
    o.put("query", r.query());
    o.put("specialist", r.specialist());
    o.put("adapter", r.adapter());
    o.put("route_method", r.routeMethod());
    o.put("route_confidence", r.routeConfidence());
    o.set("route", MAPPER.valueToTree(r.route()));
    o.set("messages", MAPPER.valueToTree(r.messages()));
    o.set("decoding", MAPPER.valueToTree(r.decoding()));
    o.set("context", MAPPER.valueToTree(r.context()));
    o.put("response", r.response());
    o.put("finish_reason", r.finishReason());
    o.put("confidence", r.confidence());
    o.put("reward", r.reward());
    o.put("prompt_tokens", r.promptTokens());
    o.put("completion_tokens", r.completionTokens());
    o.put("latency_ms", r.latencyMs());
    o.put("backend_latency_ms", r.backendLatencyMs());
    o.put("status", r.status());
    o.put("error", r.error());
    o.put("tenant", r.tenant());
    o.put("key_name", r.keyName());
    o.put("adapter_version", r.adapterVersion());
    try {
      // A lone surrogate in model output has no UTF-8 form; U+FFFD as in the database (Sql.text).
      return MAPPER.writeValueAsBytes(JsonText.clean(o));
    } catch (IOException e) {
      throw new IllegalArgumentException("query record not representable as JSON", e);
    }
  }

  static QueryRecord decode(byte[] bytes) throws IOException {
    JsonNode o = MAPPER.readTree(bytes);
    return new QueryRecord(
        UUID.fromString(o.get("id").asText()),
        Instant.parse(o.get("created_at").asText()),
        text(o, "session_id"),
        o.get("query").asText(),
        text(o, "specialist"),
        text(o, "adapter"),
        o.get("route_method").asText(),
        o.get("route_confidence").asDouble(),
        map(o.get("route")),
        JsonColumns.readMessages(o.get("messages").toString()),
        map(o.get("decoding")),
        map(o.get("context")),
        text(o, "response"),
        text(o, "finish_reason"),
        o.get("confidence").asDouble(),
        o.get("reward").asDouble(),
        o.get("prompt_tokens").asInt(),
        o.get("completion_tokens").asInt(),
        o.get("latency_ms").asLong(),
        o.get("backend_latency_ms").asLong(),
        o.get("status").asText(),
        text(o, "error"),
        // Frames spooled before tenants existed belong to the local tenant, like their rows.
        o.hasNonNull("tenant") ? o.get("tenant").asText() : Owner.LOCAL,
        text(o, "key_name"),
        // Frames spooled before versions were recorded have none, like their rows.
        o.hasNonNull("adapter_version") ? o.get("adapter_version").asInt() : null);
  }

  private static @Nullable String text(JsonNode o, String field) {
    JsonNode n = o.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static Map<String, Object> map(JsonNode n) {
    return JsonColumns.readMap(n.toString());
  }
}
