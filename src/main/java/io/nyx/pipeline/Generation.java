package io.nyx.pipeline;

import io.nyx.backend.BackendException;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.ChatResult;
import io.nyx.metrics.NyxMetrics;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;

/** Calls the model for a plan, timing it and counting tokens per specialist. */
final class Generation {
  /** Enough for a confidence estimate; vLLM allows up to 20 (--max-logprobs). */
  static final int TOP_LOGPROBS = 0;

  private final NyxMetrics metrics;
  private final LongSupplier nanoClock;

  Generation(NyxMetrics metrics, LongSupplier nanoClock) {
    this.metrics = metrics;
    this.nanoClock = nanoClock;
  }

  /** A result and how long the model took, in milliseconds. */
  record Timed(ChatResult result, long millis) {}

  Timed call(
      Plan plan, List<ChatMessage> messages, UUID id, InferenceListener listener, boolean stream)
      throws BackendException {
    ChatRequest request = request(plan, messages, id);
    long start = nanoClock.getAsLong();
    try {
      ChatResult result =
          stream
              ? plan.backend().stream(request, listener::delta)
              : plan.backend().complete(request);
      double seconds = (nanoClock.getAsLong() - start) / 1e9;
      metrics.backendCall(plan.label(), "ok", seconds);
      metrics.tokens(
          plan.label(), result.usage().promptTokens(), result.usage().completionTokens());
      return new Timed(result, Math.round(seconds * 1000));
    } catch (BackendException e) {
      metrics.backendCall(plan.label(), outcome(e), (nanoClock.getAsLong() - start) / 1e9);
      throw e;
    }
  }

  static ChatRequest request(Plan plan, List<ChatMessage> messages, UUID id) {
    return new ChatRequest(
        plan.model(),
        messages,
        plan.decoding().temperature(),
        plan.decoding().topP(),
        plan.decoding().maxTokens(),
        true,
        TOP_LOGPROBS,
        null,
        id.toString());
  }

  static String outcome(BackendException e) {
    return switch (e) {
      case BackendException.Unreachable u -> "unreachable";
      case BackendException.Timeout t -> "timeout";
      case BackendException.ModelNotFound m -> "model_not_found";
      case BackendException.Rejected r -> "rejected";
      case BackendException.ServerError s -> "server_error";
      case BackendException.Malformed m -> "malformed";
    };
  }
}
