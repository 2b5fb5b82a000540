package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.RawHttp;
import io.nyx.testing.RawHttp.Exchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a web page in the user's browser can send to the keyless loopback default, and why none of
 * it gets through: a "simple" cross-site POST (text/plain, a form) is refused before it is read
 * (415), a DNS-rebound name in the Host header is refused (421), and a CORS preflight is answered
 * without any {@code Access-Control-Allow-*} header, so the browser sends nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserAttackTest {
  static final Duration WAIT = Duration.ofSeconds(5);
  @TempDir static Path dir;
  NyxFixture fixture;
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    fixture = NyxFixture.start(dir);
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  private int port() {
    return fixture.nyx().port();
  }

  @Test
  void aTextPlainPostIsRefusedWith415AndNothingIsStored() throws SQLException {
    long before = memories();
    Reply r = send("POST", "/memory", "text/plain", "{\"text\":\"I bank with Example Bank.\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(415);
    assertThat(r.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(r.json().at("/error/param").asText()).isEqualTo("Content-Type");
    assertThat(r.json().at("/error/message").asText())
        .contains("application/json")
        .contains("text/plain");
    assertThat(memories()).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain; charset=utf-8",
        "application/jsonp",
        "application/json-seq"
      })
  void everyOtherBodyTypeIsRefused(String type) {
    Reply r = send("POST", "/infer", type, "{\"query\":\"what is on my calendar?\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(415);
    Reply put = send("PUT", "/traits/moira", type, "{\"weight\":0.9,\"reason\":\"page\"}");
    assertThat(put.status()).as(put.body()).isEqualTo(415);
  }

  @Test
  void aBodyWithoutContentTypeIsRefused() {
    String body = "{\"text\":\"no type\"}";
    Exchange e =
        RawHttp.send(
            port(),
            "POST /memory HTTP/1.1\r\nHost: 127.0.0.1:"
                + port()
                + "\r\nConnection: close\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body,
            WAIT);
    assertThat(e.status()).as(e.raw()).isEqualTo(415);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"application/json", "application/json; charset=utf-8", "Application/JSON"})
  void jsonWithOrWithoutParametersIsAccepted(String type) {
    Reply r = send("POST", "/memory", type, "{\"text\":\"The spare key is under the mat.\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "10.1.2.3"})
  void aForeignHostIsRefusedEvenForOpenPaths(String name) {
    for (String path : new String[] {"/traits", "/metrics", "/health"}) {
      Exchange e = get(path, name + ":" + port());
      assertThat(e.status()).as(e.raw()).isEqualTo(421);
      assertThat(e.body()).contains("server.allowed_hosts").doesNotContain("weight");
    }
  }

  @Test
  void theLoopbackNamesWithTheServersPortAreServed() {
    for (String host :
        new String[] {"127.0.0.1:" + port(), "localhost:" + port(), "[::1]:" + port()}) {
      Exchange e = get("/traits", host);
      assertThat(e.status()).as(host + "\n" + e.raw()).isEqualTo(200);
    }
  }

  @Test
  void aLoopbackNameWithAnotherPortIsRefused() {
    int other = port() == 1 ? 2 : 1;
    assertThat(get("/traits", "127.0.0.1:" + other).status()).isEqualTo(421);
    assertThat(get("/traits", "localhost:" + other).status()).isEqualTo(421);
  }

  @Test
  void aPreflightIsRefusedWithoutAnyAllowHeader() {
    Exchange e =
        RawHttp.send(
            port(),
            "OPTIONS /memory HTTP/1.1\r\nHost: 127.0.0.1:"
                + port()
                + "\r\nOrigin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\n"
                + "Access-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n",
            WAIT);
    assertThat(e.status()).as(e.raw()).isEqualTo(403);
    assertThat(e.raw().toLowerCase(java.util.Locale.ROOT)).doesNotContain("access-control-allow");
    assertThat(e.body()).contains("cross-origin");
  }

  @Test
  void aCrossSiteGetIsNeverGivenAnAllowOrigin() {
    Exchange e =
        RawHttp.send(
            port(),
            "GET /traits HTTP/1.1\r\nHost: 127.0.0.1:"
                + port()
                + "\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n",
            WAIT);
    assertThat(e.raw().toLowerCase(java.util.Locale.ROOT)).doesNotContain("access-control-allow");
  }

  private Exchange get(String path, String host) {
    return RawHttp.send(
        port(),
        "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n",
        WAIT);
  }

  private Reply send(String method, String path, String type, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .header("Content-Type", type)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(30))
            .build();
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private long memories() throws SQLException {
    try (Connection c = fixture.nyx().database().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM nyx_subjective_memory")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
