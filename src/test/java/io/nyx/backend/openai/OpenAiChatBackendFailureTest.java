package io.nyx.backend.openai;

import static io.nyx.backend.openai.OpenAiChatBackendTest.ADAPTERS;
import static io.nyx.backend.openai.OpenAiChatBackendTest.BASE;
import static io.nyx.backend.openai.OpenAiChatBackendTest.ask;
import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nyx.backend.BackendException;
import io.nyx.backend.BackendSettings;
import io.nyx.backend.StreamDelta;
import io.nyx.testing.FakeVllm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every failure ends as the right {@link BackendException}, and within its time bound. Tests that
 * wait for a read timeout use {@link #impatient} (300 ms); the rest use a backend whose 5 s timeout
 * a loaded CI machine cannot trip by accident (300 ms once did, on a first connection).
 */
class OpenAiChatBackendFailureTest {
  private static final Duration READ_TIMEOUT = Duration.ofMillis(300);
  private static final Duration PATIENT = Duration.ofSeconds(5);

  /** A bound that shows nothing hung, not a benchmark. */
  private static final long BOUND_MS = 5_000;

  private FakeVllm fake;
  private OpenAiChatBackend backend;
  private OpenAiChatBackend impatient;

  @BeforeEach
  void start() {
    fake = FakeVllm.start(BASE, ADAPTERS);
    backend = withReadTimeout(PATIENT);
    impatient = withReadTimeout(READ_TIMEOUT);
  }

  private OpenAiChatBackend withReadTimeout(Duration read) {
    return new OpenAiChatBackend(new BackendSettings(fake.baseUrl(), PATIENT, read, null));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private BackendException complete() {
    return complete(backend);
  }

  private static BackendException complete(OpenAiChatBackend via) {
    return catchThrowableOfType(
        BackendException.class, () -> via.complete(ask("kairos", "hello there")));
  }

  private BackendException stream(List<StreamDelta> sink) {
    return stream(backend, sink);
  }

  private static BackendException stream(OpenAiChatBackend via, List<StreamDelta> sink) {
    return catchThrowableOfType(
        BackendException.class, () -> via.stream(ask("kairos", "hello there"), sink::add));
  }

  @Test
  void nestedErrorShapeBecomesRejected() {
    fake.failNext(400, "BadRequestError", "This model's maximum context length is 32768 tokens.");

    assertThat(complete())
        .isInstanceOfSatisfying(
            BackendException.Rejected.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).contains("BadRequestError").contains("maximum context");
            });
  }

  @Test
  void legacyFlatErrorShapeBecomesTheSameRejection() {
    fake.legacyErrors(true).failNext(400, "BadRequestError", "bad top_p");

    assertThat(complete())
        .isInstanceOfSatisfying(
            BackendException.Rejected.class,
            e -> assertThat(e.getMessage()).contains("(400 BadRequestError): bad top_p"));
  }

  @Test
  void unknownAdapterIsModelNotFoundInBothShapes() {
    for (boolean legacy : new boolean[] {false, true}) {
      fake.legacyErrors(legacy);
      BackendException e =
          catchThrowableOfType(BackendException.class, () -> backend.complete(ask("hermes", "hi")));
      assertThat(e)
          .as("legacy=%s", legacy)
          .isInstanceOfSatisfying(
              BackendException.ModelNotFound.class, m -> assertThat(m.model()).isEqualTo("hermes"));
    }
  }

  @Test
  void serverErrorIsRetryableAndTheNextCallSucceeds() throws BackendException {
    fake.failNext(500, "InternalServerError", "engine died");

    BackendException e = complete();

    assertThat(e)
        .isInstanceOfSatisfying(
            BackendException.ServerError.class, s -> assertThat(s.status()).isEqualTo(500));
    assertThat(e.retryable()).isTrue();
    assertThat(e.afterFirstByte()).isFalse();
    assertThat(backend.complete(ask("kairos", "again")).content()).endsWith("again");
  }

  @Test
  void streamRequestRejectedBeforeStreamingIsAPlainJsonError() {
    fake.failAlways(503, "ServiceUnavailableError", "overloaded");
    List<StreamDelta> deltas = new ArrayList<>();

    assertThat(stream(deltas))
        .isInstanceOfSatisfying(
            BackendException.ServerError.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.afterFirstByte()).isFalse();
              assertThat(e.getMessage()).endsWith("overloaded");
            });
    assertThat(deltas).isEmpty();
  }

  @Test
  void refusedConnectionIsUnreachable() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    OpenAiChatBackend nowhere =
        new OpenAiChatBackend(
            new BackendSettings(
                "http://127.0.0.1:" + closedPort + "/v1",
                Duration.ofMillis(300),
                READ_TIMEOUT,
                null));

    BackendException e =
        catchThrowableOfType(BackendException.class, () -> nowhere.complete(ask("kairos", "x")));

    assertThat(e).isInstanceOf(BackendException.Unreachable.class);
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort);
  }

  @Test
  void serverThatNeverAnswersTimesOutWithinTheReadTimeout() {
    fake.hangNext();

    long start = System.nanoTime();
    BackendException e = complete(impatient);
    long ms = (System.nanoTime() - start) / 1_000_000;

    assertThat(e).isInstanceOf(BackendException.Timeout.class);
    assertThat(e.getMessage()).contains("(read, 300 ms)");
    assertThat(e.retryable()).isTrue();
    assertThat(ms).isBetween(250L, BOUND_MS);
  }

  @Test
  void bodyThatStallsAfterHeadersTimesOut() {
    fake.hangAfterHeadersNext();

    long start = System.nanoTime();
    BackendException e = complete(impatient);
    long ms = (System.nanoTime() - start) / 1_000_000;

    assertThat(e).isInstanceOf(BackendException.Timeout.class);
    assertThat(e.getMessage()).contains("read");
    assertThat(ms).isBetween(250L, BOUND_MS);
  }

  @Test
  void streamThatStallsMidwayTimesOut() {
    fake.hangAfterHeadersNext(); // role chunk, then silence
    List<StreamDelta> deltas = new ArrayList<>();

    long start = System.nanoTime();
    BackendException e = stream(impatient, deltas);
    long ms = (System.nanoTime() - start) / 1_000_000;

    assertThat(e).isInstanceOf(BackendException.Timeout.class);
    assertThat(e.afterFirstByte()).isTrue();
    assertThat(e.retryable()).isFalse();
    assertThat(ms).isBetween(250L, BOUND_MS);
  }

  @Test
  void slowButSteadyStreamIsNotCutByTheIdleTimeout() throws BackendException {
    // Six gaps of 400 ms: each under the 1 s read timeout, together well over it.
    Duration read = Duration.ofSeconds(1);
    fake.reply((m, r) -> "a b c d e").streamInterval(Duration.ofMillis(400));
    List<StreamDelta> deltas = new ArrayList<>();

    long start = System.nanoTime();
    String content = withReadTimeout(read).stream(ask("kairos", "slowly"), deltas::add).content();

    assertThat(content).isEqualTo("a b c d e");
    assertThat(deltas).hasSize(5);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThan(read.toMillis());
  }

  @Test
  void wholeNonStreamingResponseMustFitTheReadTimeout() throws BackendException {
    OpenAiChatBackend oneSecond = withReadTimeout(Duration.ofSeconds(1));
    assertThat(oneSecond.complete(ask("kairos", "in time")).content()).endsWith("in time");

    fake.delay(Duration.ofMillis(2_500));
    BackendException e = complete(oneSecond);
    assertThat(e).isInstanceOf(BackendException.Timeout.class);
  }

  @Test
  void resetConnectionIsUnreachableAndRetryable() {
    fake.resetNext();

    BackendException e = complete();

    // The JDK client reports "header parser received no bytes": nothing came back, so retry is
    // safe.
    assertThat(e).isInstanceOf(BackendException.Unreachable.class);
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void brokenJsonIsMalformed() {
    fake.malformedNext();

    assertThat(complete())
        .isInstanceOfSatisfying(
            BackendException.Malformed.class,
            e -> {
              assertThat(e.getMessage()).contains("chatcmpl-broken");
              assertThat(e.afterFirstByte()).isFalse();
            });
  }

  @Test
  void bodyCutHalfWayIsMalformed() {
    fake.truncateStreamNext();

    assertThat(complete()).isInstanceOf(BackendException.Malformed.class);
  }

  @Test
  void truncatedStreamIsMalformedAfterFirstByte() {
    fake.reply((m, r) -> "a b c d e f");
    fake.truncateStreamNext();
    List<StreamDelta> deltas = new ArrayList<>();

    BackendException e = stream(deltas);

    assertThat(e).isInstanceOf(BackendException.Malformed.class);
    assertThat(e.afterFirstByte()).isTrue();
    assertThat(e.retryable()).isFalse();
    assertThat(deltas).extracting(StreamDelta::content).containsExactly("a", " b", " c");
  }

  @Test
  void errorEventMidStreamIsServerErrorAfterFirstByte() {
    fake.errorMidStreamNext();
    List<StreamDelta> deltas = new ArrayList<>();

    BackendException e = stream(deltas);

    assertThat(e)
        .isInstanceOfSatisfying(
            BackendException.ServerError.class,
            s -> {
              assertThat(s.status()).isEqualTo(500);
              assertThat(s.afterFirstByte()).isTrue();
              assertThat(s.retryable()).isFalse();
              assertThat(s.getMessage()).contains("Internal server error");
            });
    assertThat(deltas).extracting(StreamDelta::content).containsExactly("[kairos]");
  }

  @Test
  void malformedStreamEventIsMalformed() {
    fake.malformedNext();

    assertThat(stream(new ArrayList<>()))
        .isInstanceOfSatisfying(
            BackendException.Malformed.class, e -> assertThat(e.afterFirstByte()).isTrue());
  }

  @Test
  void interruptedCallerGetsATypedErrorAndKeepsTheFlag() throws InterruptedException {
    fake.hangNext();
    OpenAiChatBackend patient =
        new OpenAiChatBackend(
            new BackendSettings(
                fake.baseUrl(), Duration.ofSeconds(1), Duration.ofSeconds(30), null));
    List<Object> outcome = new ArrayList<>();

    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    patient.complete(ask("kairos", "x"));
                    outcome.add("returned");
                  } catch (BackendException e) {
                    outcome.add(e);
                    outcome.add(Thread.currentThread().isInterrupted());
                  }
                });
    // The fake records a request before it hangs: from then on the caller waits for the answer.
    await("the request hanging at the fake")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> fake.chatCount() == 1);
    caller.interrupt();
    caller.join(BOUND_MS);

    assertThat(caller.isAlive()).isFalse();
    assertThat(outcome).hasSize(2);
    assertThat(outcome.get(0)).isInstanceOf(BackendException.Unreachable.class);
    assertThat(((Exception) outcome.get(0)).getCause()).isInstanceOf(InterruptedException.class);
    assertThat(outcome.get(1)).isEqualTo(true);
  }
}
