package io.nyx.pipeline;

import io.nyx.backend.BackendException;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.ChatResult;
import io.nyx.metrics.NyxMetrics;
import io.nyx.resilience.CircuitBreaker;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Calls the model for a plan: through the adapter's circuit breaker, retrying failures that came
 * before the first byte (with jittered backoff, within the retry budget), timing each attempt and
 * counting tokens per specialist. A retry after output started would duplicate text, so it never
 * happens.
 */
final class Generation {
  /** Enough for a confidence estimate; vLLM allows up to 20 (--max-logprobs). */
  static final int TOP_LOGPROBS = 0;

  private final NyxMetrics metrics;
  private final LongSupplier nanoClock;
  private final Resilience resilience;

  Generation(NyxMetrics metrics, LongSupplier nanoClock, Resilience resilience) {
    this.metrics = metrics;
    this.nanoClock = nanoClock;
    this.resilience = resilience;
  }

  /** A result, how long the model took (milliseconds, last attempt) and how many attempts. */
  record Timed(ChatResult result, long millis, int attempts) {}

  /** The adapter's breaker is open: the call was not made. */
  static final class CircuitOpen extends Exception {
    private static final long serialVersionUID = 1L;

    CircuitOpen(String model, int failures) {
      super("circuit open for '" + model + "' after " + failures + " consecutive failures");
    }
  }

  /** The model server's own queue is over the limit: the call was not made. */
  static final class Saturated extends Exception {
    private static final long serialVersionUID = 1L;

    Saturated(String url, int waiting, int max) {
      super(url + " has " + waiting + " requests waiting (llm.max_waiting " + max + ")");
    }

    /** A specialist's own server and the base model's, both full. */
    Saturated(Saturated own, Saturated base) {
      super(own.getMessage() + ", and the base model's " + base.getMessage());
    }
  }

  /**
   * What the model servers' queues allow, decided once before anything is sent: call the plan
   * ({@code refused} null, {@code fallback} empty), let the base model answer instead ({@code
   * fallback} says why), or refuse.
   */
  record Admission(@Nullable Saturated refused, String fallback) {
    static final Admission CALL = new Admission(null, "");
  }

  /**
   * A specialist on a server of its own whose queue is full falls back to the base model while the
   * base model's server has room; one on the shared server has no such way out (its base model
   * waits in the same queue), so it is refused.
   */
  Admission admit(Plan plan, Plan base) {
    Saturated own = saturated(plan);
    if (own == null) {
      return Admission.CALL;
    }
    skipped(plan);
    if (plan.specialist() == null || sameServer(plan, base)) {
      return new Admission(own, "");
    }
    Saturated full = saturated(base);
    return full == null
        ? new Admission(null, "its server is saturated: " + own.getMessage())
        : new Admission(new Saturated(own, full), "");
  }

  private static boolean sameServer(Plan a, Plan b) {
    return stripSlash(a.backend().baseUrl()).equals(stripSlash(b.backend().baseUrl()));
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The refusal when the plan's server reports a queue over the limit, else null. No effects. */
  @Nullable Saturated saturated(Plan plan) {
    int waiting = resilience.backpressure().overLimit(plan.backend().baseUrl());
    if (waiting < 0) {
      return null;
    }
    return new Saturated(plan.backend().baseUrl(), waiting, resilience.backpressure().maxWaiting());
  }

  /** Counts a call not made to the plan's server because its queue was full. */
  void skipped(Plan plan) {
    metrics.backendCall(plan.label(), "saturated", 0);
  }

  /**
   * Calls the plan's adapter. {@code admitted}: its queue was checked already for this request
   * (checked once, so a stream that has begun is never refused for a queue afterwards).
   */
  Timed call(
      Plan plan,
      List<ChatMessage> messages,
      UUID id,
      InferenceListener listener,
      boolean stream,
      boolean admitted)
      throws BackendException, CircuitOpen, Saturated {
    Saturated full = admitted ? null : saturated(plan);
    if (full != null) {
      skipped(plan);
      throw full;
    }
    CircuitBreaker breaker = resilience.breakers().of(plan.backend().baseUrl(), plan.model());
    if (!breaker.allow()) {
      metrics.backendCall(plan.label(), "circuit_open", 0);
      throw new CircuitOpen(
          plan.model().isEmpty() ? "base model" : plan.model(), breaker.failures());
    }
    resilience.retries().onCall();
    for (int attempt = 1; ; attempt++) {
      try {
        Timed t = once(plan, messages, id, listener, stream, attempt);
        breaker.success();
        return t;
      } catch (BackendException e) {
        if (e.retryable()) {
          breaker.failure();
        }
        if (!e.retryable() || e.afterFirstByte() || !resilience.retries().mayRetry(attempt)) {
          throw e;
        }
        metrics.retry(plan.label(), outcome(e));
        pause(attempt, e);
      }
    }
  }

  private void pause(int attempt, BackendException cause) throws BackendException {
    try {
      resilience.sleeper().sleep(resilience.retries().backoff(attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cause.addSuppressed(e);
      throw cause;
    }
  }

  private Timed once(
      Plan plan,
      List<ChatMessage> messages,
      UUID id,
      InferenceListener listener,
      boolean stream,
      int attempt)
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
      return new Timed(result, Math.round(seconds * 1000), attempt);
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
