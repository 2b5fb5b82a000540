package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.NyxFixture;
import io.nyx.testing.RawHttp;
import io.nyx.testing.RawHttp.Exchange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests whose framing is broken, sent as raw bytes: each is the client's fault, so each gets a
 * 400 (413 when too large) in Nyx's error JSON and the connection is closed (its byte stream can no
 * longer be trusted), never a 500, a stack trace, or a count toward the server-error alert. A
 * {@code Connection: close} request is answered and its socket closed at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpFramingTest {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final Pattern SERVER_ERROR_COUNT =
      Pattern.compile("nyx_http_request_seconds_count\\{[^}]*status=\"5\\d\\d\"");

  @TempDir static Path dir;
  NyxFixture fixture;

  @BeforeAll
  void start() {
    fixture = NyxFixture.start(dir);
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  private String head(String framing) {
    return "POST /infer HTTP/1.1\r\nHost: 127.0.0.1:"
        + fixture.nyx().port()
        + "\r\nContent-Type: application/json\r\n"
        + framing
        + "\r\n";
  }

  static Stream<Arguments> malformed() {
    String json = "{\"query\":\"hi\"}"; // 14 bytes
    return Stream.of(
        Arguments.of("two Content-Lengths", "Content-Length: 14\r\nContent-Length: 15\r\n", json),
        Arguments.of("negative Content-Length", "Content-Length: -14\r\n", json),
        Arguments.of("non-numeric Content-Length", "Content-Length: 14abc\r\n", json),
        Arguments.of(
            "Content-Length beyond a long", "Content-Length: 99999999999999999999999\r\n", json),
        Arguments.of(
            "chunk size beyond an int",
            "Transfer-Encoding: chunked\r\n",
            "FFFFFFFFFFFFFFFFFF\r\n" + json + "\r\n0\r\n\r\n"),
        Arguments.of(
            "chunk size that is not hex",
            "Transfer-Encoding: chunked\r\n",
            "1g\r\n" + json + "\r\n0\r\n\r\n"),
        Arguments.of(
            "Transfer-Encoding with Content-Length",
            "Transfer-Encoding: chunked\r\nContent-Length: 14\r\n",
            "e\r\n" + json + "\r\n0\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedFramingIsA400AndTheConnectionIsClosed(String what, String framing, String body) {
    Exchange e = RawHttp.send(fixture.nyx().port(), head(framing) + body, WAIT);
    assertThat(e.status()).as(e.raw()).isEqualTo(400);
    assertCleanError(e);
  }

  @Test
  void aChunkLargerThanTheBodyLimitIsA413() {
    Exchange e =
        RawHttp.send(
            fixture.nyx().port(),
            head("Transfer-Encoding: chunked\r\n") + "7FFFFFFF\r\n{\"query\":\"hi\"}",
            WAIT);
    assertThat(e.status()).as(e.raw()).isEqualTo(413);
    assertThat(e.body()).contains("server.max_body_bytes");
    assertCleanError(e);
  }

  @Test
  void aClientThatStopsMidChunkGetsA400OrACleanClose() {
    Exchange e =
        RawHttp.sendThenStop(
            fixture.nyx().port(),
            head("Transfer-Encoding: chunked\r\n") + "20\r\n{\"query\":\"a question that",
            WAIT);
    assertThat(e.closed()).as(e.raw()).isTrue();
    if (e.status() != 0) {
      assertThat(e.status()).as(e.raw()).isEqualTo(400);
      assertCleanError(e);
    }
    assertNoServerErrorCounted();
  }

  @Test
  void aClientThatStopsBeforeItsContentLengthGetsA400OrACleanClose() {
    Exchange e =
        RawHttp.sendThenStop(
            fixture.nyx().port(), head("Content-Length: 40\r\n") + "{\"query\":\"a question", WAIT);
    assertThat(e.closed()).as(e.raw()).isTrue();
    if (e.status() != 0) {
      assertThat(e.status()).as(e.raw()).isEqualTo(400);
      assertCleanError(e);
    }
    assertNoServerErrorCounted();
  }

  @Test
  void connectionCloseClosesTheSocketRightAfterTheResponse() {
    Exchange e =
        RawHttp.send(
            fixture.nyx().port(),
            "GET /health HTTP/1.1\r\nHost: 127.0.0.1:"
                + fixture.nyx().port()
                + "\r\nConnection: close\r\n\r\n",
            WAIT);
    assertThat(e.status()).as(e.raw()).isEqualTo(200);
    assertThat(e.closed()).as("closed by the server within %s", WAIT).isTrue();
    assertThat(e.millis()).as("end of stream after the response").isLessThan(1_000);
  }

  /** Nyx's error JSON, no stack trace, the socket closed, and no 5xx counted. */
  private void assertCleanError(Exchange e) {
    assertThat(e.header("Content-Type")).hasValue("application/json");
    assertThat(e.body())
        .contains("\"error\":{\"message\":\"")
        .contains("\"type\":\"invalid_request_error\"");
    assertThat(e.body())
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContain(": null\"");
    assertThat(e.closed()).as("connection closed after a framing error").isTrue();
    assertNoServerErrorCounted();
  }

  private void assertNoServerErrorCounted() {
    String metrics = fixture.http().get("/metrics").body();
    assertThat(SERVER_ERROR_COUNT.matcher(metrics).find()).as(metrics).isFalse();
  }
}
