package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.ServerTest;
import io.nyx.testing.StoredRows;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Load shedding on vLLM's own queue: while the (fake) server reports more requests waiting than
 * {@code llm.max_waiting}, {@code /infer} answers 503 with Retry-After at once, without calling the
 * model, and records the refusal; when the queue drains, answers flow again.
 */
class BackpressureTest extends ServerTest {
  static final String QUERY = "{\"query\":\"plan my afternoon\",\"specialist\":\"kairos\"}";

  @Override
  protected String config() {
    return "llm:\n  max_waiting: 10\n";
  }

  @Test
  void aFullQueueIsRefusedFastAndRecordedThenAnswersFlowAgain() throws SQLException {
    assertThat(fixture.http().post("/infer", QUERY).status()).isEqualTo(200);
    fixture.vllm().waiting(50);
    awaitStatus(503);
    int before = fixture.vllm().chatCount();
    Reply refused = fixture.http().post("/infer", QUERY);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Retry-After")).isNotNull();
    assertThat(refused.json().at("/error/message").asText())
        // 50 as read, less any of this test's calls that came back since the read was sent
        .containsPattern("\\b(4[0-9]|50) requests waiting")
        .contains("llm.max_waiting 10");
    assertThat(fixture.vllm().chatCount()).as("no call while saturated").isEqualTo(before);
    String id = refused.json().at("/error/query_id").asText();
    assertThat(status(id)).isEqualTo("backend_saturated");
    // The queue as Nyx reads it is on /metrics too (the console's Health view shows it).
    assertThat(fixture.http().get("/metrics").body())
        .containsPattern(
            "nyx_model_server_waiting\\{server=\"http://127\\.0\\.0\\.1:\\d+/v1\"\\} (4[0-9]|50)\\.0");

    // A stream is refused the same way, before its first byte: a status a client can back off on.
    Reply stream =
        fixture
            .http()
            .post(
                "/v1/chat/completions",
                "{\"model\":\"nyx/kairos\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"plan my afternoon\"}]}");
    assertThat(stream.status()).as(stream.body()).isEqualTo(503);
    assertThat(stream.header("Retry-After")).isNotNull();
    assertThat(fixture.vllm().chatCount()).isEqualTo(before);

    fixture.vllm().waiting(3);
    assertThat(awaitStatus(200).json().get("specialist").asText()).isEqualTo("kairos");
  }

  /** Polls /infer until it answers {@code status} (the queue is read every 500 ms). */
  private Reply awaitStatus(int status) {
    return await("/infer answering " + status)
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> fixture.http().post("/infer", QUERY), r -> r.status() == status);
  }

  private String status(String id) {
    return StoredRows.text(fixture.nyx(), id, "status");
  }
}
