package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.StoredRows;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Retries before the first byte, and the per-adapter breaker falling back to the base model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResilienceTest {
  @TempDir static Path dir;
  FakeVllm vllm;
  Nyx nyx;
  HttpTestClient http;

  @BeforeAll
  void start() throws IOException {
    vllm = FakeVllm.start("base", NyxServerTest.ADAPTERS);
    vllm.reply(
        (model, req) -> {
          if ("moira".equals(model)) {
            throw new IllegalStateException("moira's adapter is broken");
          }
          return "[" + model + "] fine";
        });
    Path yaml = dir.resolve("nyx.yaml");
    Files.writeString(
        yaml,
        "llm:\n  max_retries: 2\n  retry_base_ms: 1\n  breaker_failures: 3\n  read_timeout_ms: 5000\n"
            + "  breaker_open_ms: 600000\n");
    nyx = Nyx.start(NyxFixture.config(vllm.baseUrl(), dir, yaml), TestDatabase.fresh());
    http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
  }

  @AfterAll
  void stop() {
    nyx.close();
    vllm.close();
  }

  @Test
  void aFailureBeforeTheFirstByteIsRetried() throws SQLException {
    vllm.failNext(503, "ServiceUnavailable", "engine busy");
    Reply r = http.post("/infer", "{\"query\":\"hi\",\"specialist\":\"kairos\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(route(r.json().get("id").asText()).get("attempts").asInt()).isEqualTo(2);
  }

  @Test
  void malformedResetAndHungResponsesAreRetried() throws SQLException {
    vllm.malformedNext();
    assertAttempts(2);
    vllm.resetNext();
    assertAttempts(2);
    vllm.hangNext(); // the read timeout (5 s: a loaded machine must not trip it) ends attempt 1
    assertAttempts(2);
  }

  @Test
  void aStreamCutAfterTheFirstByteIsNotRetriedButEndsWithAnErrorEvent() {
    vllm.truncateStreamNext();
    int before = vllm.chatCount();
    String body =
        "{\"model\":\"nyx/kairos\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"what is on my calendar next Tuesday?\"}]}";
    Reply r = http.post("/v1/chat/completions", body);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("\"error\"").endsWith("data: [DONE]\n\n");
    assertThat(vllm.chatCount() - before).as("no retry once output has started").isEqualTo(1);
  }

  private void assertAttempts(int attempts) throws SQLException {
    Reply r = http.post("/infer", "{\"query\":\"hi\",\"specialist\":\"kairos\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(route(r.json().get("id").asText()).get("attempts").asInt()).isEqualTo(attempts);
  }

  @Test
  void aBrokenAdapterOpensItsBreakerAndTheBaseModelAnswers() {
    int before = vllm.chatCount();
    // Three attempts (one call + two retries) fail: the breaker (3 failures) opens.
    Reply first =
        http.post(
            "/infer",
            "{\"query\":\"What are the likely consequences of raising our prices by ten percent next year?\",\"specialist\":\"moira\"}");
    assertThat(first.status()).as(first.body()).isIn(502, 503);
    assertThat(vllm.chatCount() - before).isEqualTo(3);
    Reply second =
        http.post(
            "/infer",
            "{\"query\":\"What are the likely consequences of raising our prices by ten percent next year?\",\"specialist\":\"moira\"}");
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    JsonNode j = second.json();
    assertThat(j.get("fallback").asText()).contains("circuit open for 'moira'");
    assertThat(j.get("answer").asText()).startsWith("[base]");
    assertThat(vllm.lastRequest().has("model")).isFalse();
    assertThat(http.get("/metrics").body())
        .contains("nyx_fallbacks_total{specialist=\"moira\",why=\"circuit_open\"} 1.0")
        .containsPattern("nyx_backend_retries_total\\{cause=\"[a-z_]+\",specialist=\"moira\"\\} 2");
  }

  /**
   * vLLM drops kairos's adapter while four clients send kairos traffic, then loads it again: every
   * request is answered (by the base model while the adapter is gone, said so in the response and
   * the row), and once it is back the adapter answers again, without waiting out a breaker.
   */
  @Test
  void anAdapterUnloadedUnderTrafficFallsBackAndReturns() throws Exception {
    String q = "{\"query\":\"plan my afternoon\",\"specialist\":\"kairos\"}";
    java.util.concurrent.atomic.AtomicInteger sent =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<Reply> replies = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      clients.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int n = sent.incrementAndGet(); n <= 120; n = sent.incrementAndGet()) {
                      if (n == 30) {
                        vllm.unloadAdapter("kairos");
                      } else if (n == 80) {
                        vllm.loadAdapter("kairos");
                      }
                      replies.add(http.post("/infer", q));
                    }
                  }));
    }
    for (Thread t : clients) {
      t.join();
    }
    assertThat(replies).hasSize(120).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    long fellBack = replies.stream().filter(r -> r.json().has("fallback")).count();
    assertThat(fellBack).as("answered by the base model while kairos was gone").isBetween(30L, 70L);
    for (Reply r : replies.stream().filter(r -> r.json().has("fallback")).toList()) {
      assertThat(r.json().get("fallback").asText()).contains("kairos");
      assertThat(r.json().get("answer").asText()).startsWith("[base]");
      assertThat(route(r.json().get("id").asText()).toString()).contains("fallback");
    }
    Reply after = http.post("/infer", q);
    assertThat(after.json().has("fallback")).as(after.body()).isFalse();
    assertThat(after.json().get("answer").asText()).startsWith("[kairos]");
  }

  private JsonNode route(String id) {
    return StoredRows.json(nyx, id, "route");
  }
}
