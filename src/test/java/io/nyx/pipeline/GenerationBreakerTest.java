package io.nyx.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.backend.BackendException;
import io.nyx.backend.ChatBackend;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatOptions;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.ChatResult;
import io.nyx.backend.ModelInfo;
import io.nyx.backend.StreamDelta;
import io.nyx.backend.Usage;
import io.nyx.metrics.NyxMetrics;
import io.nyx.resilience.Backpressure;
import io.nyx.resilience.Breakers;
import io.nyx.resilience.CircuitBreaker;
import io.nyx.resilience.RetryPolicy;
import io.nyx.specialist.Decoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every outcome of the one trial call a half-open breaker lets through leaves the breaker usable:
 * the adapter's failures (5xx, 404 not loaded) open it again for one more period, anything else (a
 * refused request, a client gone mid-stream, an interrupt, Nyx's own bug) gives the trial back at
 * once. Driven through {@link Generation#call} with a scripted backend and a fake clock.
 */
class GenerationBreakerTest {
  private static final String URL = "http://fake/v1";
  private static final long OPEN_NANOS = 1_000;
  private static final List<ChatMessage> MESSAGES = List.of(ChatMessage.user("hi"));

  private final AtomicLong nanos = new AtomicLong();
  private final Breakers breakers = new Breakers(2, OPEN_NANOS, nanos::get);
  private final ScriptedBackend backend = new ScriptedBackend();
  private final Plan plan = new Plan("kairos", "kairos", backend, "", Decoding.DEFAULT);
  private final Generation generation =
      new Generation(
          NyxMetrics.NOOP,
          nanos::get,
          new Resilience(
              breakers,
              new RetryPolicy(
                  2, Duration.ofMillis(1), Duration.ofMillis(1), 1, new SplittableRandom(1)),
              d -> {},
              Backpressure.OFF));

  @BeforeEach
  void openTheBreaker() {
    backend.failing = true;
    for (int i = 0; i < 5 && breaker().state() != CircuitBreaker.State.OPEN; i++) {
      assertThatThrownBy(this::call).isInstanceOf(BackendException.ServerError.class);
    }
    backend.failing = false;
    assertThat(breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThatThrownBy(this::call).isInstanceOf(Generation.CircuitOpen.class);
    nanos.addAndGet(OPEN_NANOS);
    backend.calls = 0;
  }

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void aSuccessfulTrialClosesTheBreaker() throws Exception {
    assertThat(call().result().content()).isEqualTo("fine");
    assertThat(breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertLetThroughNow();
  }

  @Test
  void aFailedTrialOpensTheBreakerForOneMorePeriodWithoutRetryingTheAdapter() {
    backend.next(s -> fail(new BackendException.ServerError(URL, 503, "engine dead", false)));
    assertThatThrownBy(this::call).isInstanceOf(BackendException.ServerError.class);
    assertThat(backend.calls).as("no retry once the trial has opened the breaker").isEqualTo(1);
    assertLetThroughAfterOnePeriod();
  }

  @Test
  void aTrialAnswered404NotLoadedOpensTheBreakerForOneMorePeriod() {
    backend.next(s -> fail(new BackendException.ModelNotFound(URL, "kairos", "does not exist")));
    assertThatThrownBy(this::call).isInstanceOf(BackendException.ModelNotFound.class);
    assertLetThroughAfterOnePeriod();
  }

  @Test
  void aTrialAnswered400GivesTheTrialBackAtOnce() throws Exception {
    backend.next(
        s -> fail(new BackendException.Rejected(URL, 400, "BadRequestError", "", "too long")));
    assertThatThrownBy(this::call).isInstanceOf(BackendException.Rejected.class);
    assertLetThroughNow();
  }

  @Test
  void aClientGoneMidStreamGivesTheTrialBackAtOnce() throws Exception {
    backend.next(
        s -> {
          s.accept(new StreamDelta("Hel", List.of()));
          return ok();
        });
    InferenceListener gone =
        new InferenceListener() {
          @Override
          public void delta(StreamDelta delta) {
            throw new UncheckedIOException("client went away", new IOException("broken pipe"));
          }
        };
    assertThatThrownBy(
            () ->
                generation.call(
                    plan, MESSAGES, ChatOptions.NONE, UUID.randomUUID(), gone, true, true))
        .isInstanceOf(UncheckedIOException.class);
    assertLetThroughNow();
  }

  @Test
  void anInterruptedTrialIsNotRetriedAndGivesTheTrialBackAtOnce() throws Exception {
    // What HttpTransport does when the caller's thread is interrupted while waiting for headers.
    backend.next(
        s -> {
          Thread.currentThread().interrupt();
          return fail(new BackendException.Unreachable(URL, new InterruptedException()));
        });
    assertThatThrownBy(this::call).isInstanceOf(BackendException.Unreachable.class);
    assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    assertThat(backend.calls).isEqualTo(1);
    assertLetThroughNow();
  }

  @Test
  void anUnexpectedRuntimeExceptionGivesTheTrialBackAtOnce() throws Exception {
    backend.next(
        s -> {
          throw new IllegalStateException("a bug in Nyx");
        });
    assertThatThrownBy(this::call).isInstanceOf(IllegalStateException.class);
    assertLetThroughNow();
  }

  @Test
  void evenAnErrorGivesTheTrialBack() throws Exception {
    backend.next(
        s -> {
          throw new StackOverflowError("deep");
        });
    assertThatThrownBy(this::call).isInstanceOf(StackOverflowError.class);
    assertLetThroughNow();
  }

  @Test
  void anErrorEventMidStreamCountsAgainstTheAdapter() throws Exception {
    call(); // the trial closes the breaker
    for (int i = 0; i < 2; i++) {
      backend.next(s -> fail(new BackendException.ServerError(URL, 500, "engine died", true)));
      assertThatThrownBy(this::call).isInstanceOf(BackendException.ServerError.class);
    }
    assertThat(breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void whileClosedNotLoadedRefusedAndStalledMidStreamDoNotOpenIt() throws Exception {
    call(); // the trial closes the breaker
    for (int i = 0; i < 3; i++) {
      backend.next(s -> fail(new BackendException.ModelNotFound(URL, "kairos", "does not exist")));
      assertThatThrownBy(this::call).isInstanceOf(BackendException.ModelNotFound.class);
      backend.next(s -> fail(new BackendException.Rejected(URL, 422, "", "", "bad parameter")));
      assertThatThrownBy(this::call).isInstanceOf(BackendException.Rejected.class);
      backend.next(s -> fail(new BackendException.Timeout(URL, "read", 5_000, true)));
      assertThatThrownBy(this::call).isInstanceOf(BackendException.Timeout.class);
    }
    assertThat(breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertLetThroughNow();
  }

  /** The next call reaches the adapter without the clock moving, and closes the breaker. */
  private void assertLetThroughNow() throws Exception {
    int before = backend.calls;
    assertThat(call().result().content()).isEqualTo("fine");
    assertThat(backend.calls).isEqualTo(before + 1);
    assertThat(breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  /** Refused until one whole open period has passed, then a trial that closes the breaker. */
  private void assertLetThroughAfterOnePeriod() {
    assertThat(breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
    nanos.addAndGet(OPEN_NANOS - 1);
    assertThatThrownBy(this::call).isInstanceOf(Generation.CircuitOpen.class);
    nanos.addAndGet(1);
    try {
      assertThat(call().result().content()).isEqualTo("fine");
    } catch (Exception e) {
      throw new AssertionError("the call after one open period failed", e);
    }
    assertThat(breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  private Generation.Timed call() throws Exception {
    return generation.call(
        plan, MESSAGES, ChatOptions.NONE, UUID.randomUUID(), InferenceListener.NONE, false, true);
  }

  private CircuitBreaker breaker() {
    return breakers.of(URL, "kairos");
  }

  private static ChatResult ok() {
    return new ChatResult("id", "kairos", "fine", "stop", new Usage(1, 1), List.of());
  }

  private static ChatResult fail(BackendException e) throws BackendException {
    throw e;
  }

  /** One scripted call: answers, streams to the sink, or throws. */
  @FunctionalInterface
  private interface Step {
    ChatResult run(Consumer<StreamDelta> sink) throws BackendException;
  }

  /** Runs the queued steps in order, then answers "fine"; or fails every call while failing. */
  private static final class ScriptedBackend implements ChatBackend {
    private final Deque<Step> script = new ArrayDeque<>();
    boolean failing;
    int calls;

    void next(Step step) {
      script.add(step);
    }

    @Override
    public ChatResult complete(ChatRequest request) throws BackendException {
      return stream(request, d -> {});
    }

    @Override
    public ChatResult stream(ChatRequest request, Consumer<StreamDelta> sink)
        throws BackendException {
      calls++;
      if (failing) {
        throw new BackendException.ServerError(URL, 500, "broken", false);
      }
      Step step = script.poll();
      return step == null ? ok() : step.run(sink);
    }

    @Override
    public List<ModelInfo> models() {
      return List.of();
    }

    @Override
    public String baseUrl() {
      return URL;
    }
  }
}
