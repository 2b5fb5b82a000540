package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer meets first at the edge of the API, through real HTTP: a wrong method on a known
 * path, an unknown path, broken JSON, rating a request that failed, and the request log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiEdgesTest {
  @TempDir static Path dataDir;
  NyxFixture fx;
  HttpTestClient http;

  @BeforeAll
  void start() {
    fx = NyxFixture.start(dataDir);
    http = fx.http();
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void aWrongMethodOnAKnownPathIs405WithAllow() {
    Reply get = http.get("/infer");
    assertThat(get.status()).as(get.body()).isEqualTo(405);
    assertThat(get.header("Allow")).isEqualTo("POST");
    assertThat(get.json().at("/error/message").asText())
        .isEqualTo("/infer does not take GET; it takes POST");
    assertThat(get.json().at("/error/param").asText()).isEqualTo("method");

    assertThat(http.send("POST", "/health", "{}", null).header("Allow")).isEqualTo("GET");
    Reply trait = http.send("DELETE", "/traits/kairos", null, null);
    assertThat(trait.status()).isEqualTo(405);
    assertThat(trait.header("Allow")).isEqualTo("GET, PUT");
    Reply memory = http.send("POST", "/memory/search", "{}", null);
    assertThat(memory.header("Allow")).isEqualTo("GET, DELETE");
  }

  @Test
  void anUnknownPathIs404ListingEveryEndpoint() {
    Reply r = http.get("/v1/nothing");
    assertThat(r.status()).isEqualTo(404);
    String message = r.json().at("/error/message").asText();
    assertThat(message).startsWith("no endpoint GET /v1/nothing; endpoints: POST /infer,");
    for (String endpoint :
        List.of(
            "POST /v1/chat/completions",
            "GET /v1/models",
            "POST /v1/route",
            "POST /feedback",
            "GET /traits",
            "GET /traits/{name}",
            "PUT /traits/{name}",
            "GET /review",
            "POST /review/{id}",
            "POST /predictions/{id}/outcome",
            "POST /memory",
            "GET /memory/search",
            "DELETE /memory/{id}",
            "DELETE /memory",
            "GET /export/{kind}",
            "GET /health",
            "GET /ready",
            "GET /metrics")) {
      assertThat(message).contains(endpoint);
    }
    assertThat(http.get("/infer/extra").status()).isEqualTo(404);
  }

  @Test
  void malformedJsonIsNamedWithoutTheParsersInternals() {
    assertThat(malformed("{\"query\": hello}"))
        .isEqualTo("malformed JSON at line 1, column 11: unexpected word 'hello'");
    assertThat(malformed("{\"query\": @}"))
        .isEqualTo("malformed JSON at line 1, column 11: unexpected character '@'");
    assertThat(malformed("{\"query\": \"hi\""))
        .startsWith("malformed JSON at line 1")
        .endsWith(": the body ends before the JSON value does");
    assertThat(malformed("{\"query\":\"a\",\"query\":\"b\"}")).endsWith(": duplicate key 'query'");
    assertThat(malformed("{\"query\":\"a\"} {}")).endsWith(": more content after the JSON value");
    assertThat(malformed("{\"query\": NaN}")).endsWith(": non-standard number 'NaN'");
  }

  private String malformed(String body) {
    Reply r = http.post("/infer", body);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    String message = r.json().at("/error/message").asText();
    assertThat(message)
        .as("no parser internals")
        .doesNotContain("code ")
        .doesNotContain("expected a valid value")
        .doesNotContain("Source:")
        .doesNotContain("REF_")
        .doesNotContain("token (");
    assertThat(r.json().at("/error/param").asText()).isEqualTo("body");
    return message;
  }

  @Test
  void ratingARequestThatFailedIs409AndChangesNothing() {
    fx.vllm().failNext(400, "BadRequestError", "prompt too long");
    Reply failed = http.post("/infer", "{\"query\":\"hi\",\"specialist\":\"moira\"}");
    assertThat(failed.status()).isEqualTo(400);
    String id = failed.header("X-Nyx-Query-Id");

    Reply rating = http.post("/feedback", "{\"query_id\":\"" + id + "\",\"rating\":1}");
    assertThat(rating.status()).as(rating.body()).isEqualTo(409);
    JsonNode error = rating.json().get("error");
    assertThat(error.get("type").asText()).isEqualTo("conflict_error");
    assertThat(error.get("param").asText()).isEqualTo("query_id");
    assertThat(error.get("message").asText())
        .contains(id)
        .contains("failed (status backend_error)")
        .contains("no answer to rate");

    Reply ok = http.post("/infer", "{\"query\":\"hi\",\"specialist\":\"moira\"}");
    Reply applied =
        http.post(
            "/feedback", "{\"query_id\":\"" + ok.json().get("id").asText() + "\",\"rating\":1}");
    assertThat(applied.json().get("status").asText()).isEqualTo("applied");
  }

  @Test
  void everyRequestLogsOneLineAtInfoWithoutItsContent() throws InterruptedException {
    Logger access = Logger.getLogger("io.nyx.access");
    Level before = access.getLevel();
    List<LogRecord> lines = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            lines.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    access.setLevel(Level.INFO);
    access.addHandler(capture);
    try {
      Reply r = http.post("/infer", "{\"query\":\"my secret plans for tuesday\"}");
      assertThat(r.status()).isEqualTo(200);
      http.get("/nothing-here");
      // the line is written once the response is out, so the client may see it first
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (lines.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } finally {
      access.removeHandler(capture);
      access.setLevel(before);
    }
    assertThat(lines).hasSize(2);
    LogRecord infer = lines.get(0);
    assertThat(infer.getLevel()).isEqualTo(Level.INFO);
    assertThat(infer.getMessage())
        .startsWith("method=POST route=/infer status=200 ms=")
        .contains("query_id=")
        .doesNotContain("secret")
        .doesNotContain("tuesday");
    assertThat(lines.get(1).getMessage()).startsWith("method=GET route=unmatched status=404");
  }
}
