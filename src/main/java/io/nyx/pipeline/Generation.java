package io.nyx.pipeline;

import io.nyx.backend.BackendException;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.ChatResult;
import io.nyx.backend.StreamDelta;
import io.nyx.metrics.NyxMetrics;
import io.nyx.resilience.CircuitBreaker;
import io.nyx.resilience.CircuitBreaker.Verdict;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Calls the model for a plan: through the adapter's circuit breaker, retrying failures that came
 * before the first byte (with jittered backoff, within the retry budget), timing each attempt and
 * counting tokens per specialist. A retry after output started would duplicate text, so it never
 * happens. Each attempt holds a permit from the breaker that is closed whatever is thrown, and what
 * an outcome says about the adapter is judged in one place ({@code verdict}).
 */
final class Generation {
  private static final Logger LOG = Logger.getLogger(Generation.class.getName());

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

    /** Never null: the constructor builds it. */
    @Override
    public String getMessage() {
      return Objects.requireNonNull(super.getMessage(), "the constructor passes a message");
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

    /** Never null: both constructors build it. */
    @Override
    public String getMessage() {
      return Objects.requireNonNull(super.getMessage(), "both constructors pass a message");
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
    CircuitBreaker.Permit permit = permit(breaker, plan, null);
    for (int attempt = 1; ; attempt++) {
      // Closed whatever is thrown: an attempt that ends without a verdict gives the permit back.
      try (CircuitBreaker.Permit held = permit) {
        if (attempt == 1) {
          resilience.retries().onCall(); // budget is earned per call let through, not per attempt
        }
        return attempt(held, plan, messages, id, listener, stream, attempt);
      } catch (BackendException e) {
        if (!mayRetry(breaker, attempt, e)) {
          throw e;
        }
        metrics.retry(plan.label(), outcome(e));
        pause(attempt, e);
        permit = permit(breaker, plan, e);
      }
    }
  }

  /**
   * Leave from the adapter's breaker for the next attempt. Refused before the first attempt: {@link
   * CircuitOpen} (the base model may answer instead); refused for a retry: the attempt's own
   * failure, as when retries run out.
   */
  private CircuitBreaker.Permit permit(
      CircuitBreaker breaker, Plan plan, @Nullable BackendException failed)
      throws BackendException, CircuitOpen {
    CircuitBreaker.Permit permit = breaker.tryAcquire();
    if (permit != null) {
      return permit;
    }
    if (failed != null) {
      throw failed;
    }
    metrics.backendCall(plan.label(), "circuit_open", 0);
    throw new CircuitOpen(plan.model().isEmpty() ? "base model" : plan.model(), breaker.failures());
  }

  /**
   * Never after output started (a retry would duplicate text), for a caller that was interrupted,
   * once the breaker is open (this failure may have opened it) or beyond the budget (spent here).
   */
  private boolean mayRetry(CircuitBreaker breaker, int attempt, BackendException e) {
    return e.retryable()
        && !e.afterFirstByte()
        && !Thread.currentThread().isInterrupted()
        && breaker.state() != CircuitBreaker.State.OPEN
        && resilience.retries().mayRetry(attempt);
  }

  /** One attempt; records on {@code permit} what its outcome says about the adapter. */
  private Timed attempt(
      CircuitBreaker.Permit permit,
      Plan plan,
      List<ChatMessage> messages,
      UUID id,
      InferenceListener listener,
      boolean stream,
      int attempt)
      throws BackendException {
    Relay relay = new Relay(listener);
    try {
      Timed t = once(plan, messages, id, relay, stream, attempt);
      permit.record(Verdict.SUCCESS);
      return t;
    } catch (BackendException | RuntimeException e) {
      permit.record(verdict(e, relay.threw, plan.label()));
      throw e;
    }
  }

  /**
   * What a failed attempt says about the adapter; the one place outcomes are judged. Only the
   * adapter's own failures count against it. Anything not judged here (an {@link Error}) closes the
   * permit without a verdict.
   */
  private static Verdict verdict(Exception failure, boolean listenerThrew, String label) {
    if (listenerThrew) {
      return Verdict.NONE; // the client went away mid-stream: not the adapter's doing
    }
    if (Thread.currentThread().isInterrupted()) {
      return Verdict.NONE; // the caller was cancelled, which cut the call short
    }
    if (failure instanceof BackendException e) {
      return verdict(e);
    }
    // ChatBackend reports every backend failure as a BackendException, so anything else is Nyx's
    // own bug: counting it would send a healthy adapter's traffic to the base model.
    LOG.log(
        Level.WARNING, "unexpected failure calling " + label + "; not counted against it", failure);
    return Verdict.NONE;
  }

  private static Verdict verdict(BackendException e) {
    return switch (e) {
      case BackendException.Unreachable u -> Verdict.FAILURE;
      // Mid-stream the idle deadline also runs while a slow client is still taking the output
      // (this thread is then blocked writing to it), so that stall may be the client's; a server
      // that really hangs is counted by the next call's wait for headers.
      case BackendException.Timeout t -> t.afterFirstByte() ? Verdict.NONE : Verdict.FAILURE;
      // Before or after the first byte: a server that breaks off, sends garbage or an error event
      // mid-stream is failing, even though such a call is not retried.
      case BackendException.ServerError s -> Verdict.FAILURE;
      case BackendException.Malformed m -> Verdict.FAILURE;
      case BackendException.ModelNotFound m -> Verdict.ABSENT;
      // 429: the server is overloaded. Any other 4xx blames this request (too long, bad
      // parameters), not the adapter, and says nothing of its health.
      case BackendException.Rejected r -> r.status() == 429 ? Verdict.FAILURE : Verdict.NONE;
    };
  }

  /**
   * Hands deltas to the listener and notes whether it threw: that is the client's side failing (a
   * client gone mid-stream), never the adapter's. Used by one attempt's thread.
   */
  private static final class Relay implements Consumer<StreamDelta> {
    private final InferenceListener listener;
    private boolean threw;

    Relay(InferenceListener listener) {
      this.listener = listener;
    }

    @Override
    public void accept(StreamDelta delta) {
      try {
        listener.delta(delta);
      } catch (RuntimeException e) {
        threw = true;
        throw e;
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
      Consumer<StreamDelta> sink,
      boolean stream,
      int attempt)
      throws BackendException {
    ChatRequest request = request(plan, messages, id);
    long start = nanoClock.getAsLong();
    try {
      ChatResult result =
          stream ? plan.backend().stream(request, sink) : plan.backend().complete(request);
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
