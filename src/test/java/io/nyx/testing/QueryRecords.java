package io.nyx.testing;

import io.nyx.backend.ChatMessage;
import io.nyx.backend.ToolCall;
import io.nyx.pipeline.QueryRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test data for the request log. */
public final class QueryRecords {
  private QueryRecords() {}

  /** Every field set, timestamps at PostgreSQL's microsecond precision. */
  public static QueryRecord full(UUID id, Instant at) {
    return new QueryRecord(
        id,
        at,
        "session-7",
        "When is the tax deadline?",
        "kairos",
        "kairos-v3",
        "semantic",
        0.82,
        Map.of(
            "method", "semantic", "margin", 0.31, "scores", Map.of("kairos", 0.82, "moira", 0.51)),
        List.of(
            ChatMessage.system("You are Kairos."), ChatMessage.user("When is the tax deadline?")),
        Map.of("temperature", 0.7, "top_p", 0.95, "max_tokens", 512),
        Map.of("memories", List.of(3, 5), "now", "2026-11-26T10:00:00Z"),
        "April 15.",
        "stop",
        0.91,
        0.4,
        120,
        7,
        840L,
        790L,
        "ok",
        null,
        "acme",
        "acme-app");
  }

  /** The base model answered after a failure: every nullable field null. */
  public static QueryRecord sparse(UUID id, Instant at) {
    return new QueryRecord(
        id,
        at,
        null,
        "hi",
        null,
        null,
        "abstain",
        0.1,
        Map.of(),
        List.of(),
        Map.of(),
        Map.of(),
        null,
        null,
        0.0,
        0.0,
        0,
        0,
        3L,
        0L,
        "backend_unavailable",
        "connection refused",
        "local",
        null);
  }

  /**
   * An answer whose model output holds {@code text}, echoed where a row keeps model text: the
   * response, the last message and a context key and value.
   */
  public static QueryRecord answered(UUID id, Instant at, String text) {
    QueryRecord f = full(id, at);
    return new QueryRecord(
        id,
        at,
        f.sessionId(),
        f.query(),
        f.specialist(),
        f.adapter(),
        f.routeMethod(),
        f.routeConfidence(),
        f.route(),
        List.of(ChatMessage.user(f.query()), ChatMessage.assistant(text)),
        f.decoding(),
        Map.of("note" + text, text),
        text,
        f.finishReason(),
        f.confidence(),
        f.reward(),
        f.promptTokens(),
        f.completionTokens(),
        f.latencyMs(),
        f.backendLatencyMs(),
        f.status(),
        text,
        f.tenant(),
        f.keyName());
  }

  /**
   * The second turn of a tool-calling exchange that called a tool again: the assistant's earlier
   * call (no text), the tool's result, and an answer that is a call too.
   */
  public static QueryRecord withTools(UUID id, Instant at) {
    QueryRecord f = full(id, at);
    ToolCall earlier = new ToolCall("call-1", "calendar_lookup", "{\"query\": \"dentist\"}");
    return new QueryRecord(
        id,
        at,
        f.sessionId(),
        "When is my dentist?",
        f.specialist(),
        f.adapter(),
        f.routeMethod(),
        f.routeConfidence(),
        f.route(),
        List.of(
            ChatMessage.system("You are Kairos."),
            ChatMessage.user("When is my dentist?"),
            new ChatMessage.AssistantMessage("", List.of(earlier)),
            new ChatMessage.ToolMessage("call-1", "Tuesday 9:00")),
        Map.of("temperature", 0.7, "tools", List.of(Map.of("type", "function"))),
        f.context(),
        "",
        "tool_calls",
        f.confidence(),
        f.reward(),
        f.promptTokens(),
        f.completionTokens(),
        f.latencyMs(),
        f.backendLatencyMs(),
        f.status(),
        null,
        f.tenant(),
        f.keyName(),
        null,
        List.of(new ToolCall("call-2", "book", "{\"when\": \"Tuesday 9:00\"}")));
  }
}
