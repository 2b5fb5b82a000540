package io.nyx.pipeline;

import io.nyx.backend.ChatMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One row of {@code nyx_synthetic_specialist_queries}: everything needed to explain the decision,
 * recompute the reward and derive fine-tuning data later (docs/training.md).
 *
 * @param specialist null when the base model answered (abstain) or routing never happened
 * @param adapter the vLLM model id called, or null when no call was made
 * @param route the routing explanation: method, confidence, margin, scores (JSON object)
 * @param messages the exact messages sent to the backend
 * @param decoding temperature, top_p, max_tokens (JSON object)
 * @param context the context items that reached the prompt, e.g. ids of memories (JSON object)
 * @param status "ok", "backend_unavailable", "backend_saturated", "backend_error", "rejected"
 * @param error null when status is ok
 * @param latencyMs whole request; {@code backendLatencyMs} the model call alone
 * @param tenant who owns the exchange; {@code keyName} the API key that asked (null without keys)
 * @param adapterVersion the registered version of {@code adapter} that answered (or failed); null
 *     when no adapter did (the base model, a fallback) or the row predates versions
 */
public record QueryRecord(
    UUID id,
    Instant createdAt,
    @Nullable String sessionId,
    String query,
    @Nullable String specialist,
    @Nullable String adapter,
    String routeMethod,
    double routeConfidence,
    Map<String, Object> route,
    List<ChatMessage> messages,
    Map<String, Object> decoding,
    Map<String, Object> context,
    @Nullable String response,
    @Nullable String finishReason,
    double confidence,
    double reward,
    int promptTokens,
    int completionTokens,
    long latencyMs,
    long backendLatencyMs,
    String status,
    @Nullable String error,
    String tenant,
    @Nullable String keyName,
    @Nullable Integer adapterVersion) {

  /** A row without an adapter version (written before versions were recorded, or by tools). */
  public QueryRecord(
      UUID id,
      Instant createdAt,
      @Nullable String sessionId,
      String query,
      @Nullable String specialist,
      @Nullable String adapter,
      String routeMethod,
      double routeConfidence,
      Map<String, Object> route,
      List<ChatMessage> messages,
      Map<String, Object> decoding,
      Map<String, Object> context,
      @Nullable String response,
      @Nullable String finishReason,
      double confidence,
      double reward,
      int promptTokens,
      int completionTokens,
      long latencyMs,
      long backendLatencyMs,
      String status,
      @Nullable String error,
      String tenant,
      @Nullable String keyName) {
    this(
        id,
        createdAt,
        sessionId,
        query,
        specialist,
        adapter,
        routeMethod,
        routeConfidence,
        route,
        messages,
        decoding,
        context,
        response,
        finishReason,
        confidence,
        reward,
        promptTokens,
        completionTokens,
        latencyMs,
        backendLatencyMs,
        status,
        error,
        tenant,
        keyName,
        null);
  }
}
