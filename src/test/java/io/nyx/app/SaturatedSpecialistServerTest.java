package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.StoredRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A specialist on a vLLM server of its own ({@code backend_url}) whose queue is over {@code
 * llm.max_waiting}: the base model, on another server with room, answers instead (said so in the
 * response, the row and the metrics) without a call to the saturated server; once the base model's
 * server is saturated too, the request is refused (503 + Retry-After) and recorded.
 */
class SaturatedSpecialistServerTest {
  static final String QUERY = "{\"query\":\"plan my afternoon\",\"specialist\":\"kairos\"}";

  @TempDir Path dir;

  @Test
  void theBaseModelAnswersForASpecialistWhoseOwnServerIsSaturated() throws IOException {
    try (FakeVllm own = FakeVllm.start("Qwen/Qwen2.5-7B-Instruct", List.of("kairos"))) {
      Path yaml = dir.resolve("nyx.yaml");
      Files.writeString(
          yaml,
          """
          llm:
            max_waiting: 10
          specialists:
            - name: kairos
              description: "Time, deadlines and planning"
              context: time
              prompt_template: "You are Kairos."
              exemplars: ["plan my afternoon", "what should I do first today"]
              backend_url: %s
            - name: moira
              description: "Scenarios and consequences"
              context: none
              prompt_template: "You are Moira."
              exemplars: ["what could happen if I quit my job"]
          """
              .formatted(own.baseUrl()));
      try (NyxFixture fixture =
          NyxFixture.start(dir.resolve("data"), Map.of("config", yaml.toString()))) {
        Reply direct = fixture.http().post("/infer", QUERY);
        assertThat(direct.status()).as(direct.body()).isEqualTo(200);
        assertThat(direct.json().get("answer").asText()).startsWith("[kairos]");
        assertThat(direct.json().has("fallback")).isFalse();

        own.waiting(50);
        Reply fellBack =
            inferUntil(fixture, "a fallback", r -> r.status() == 200 && r.json().has("fallback"));
        int calls = own.chatCount();
        int baseCalls = fixture.vllm().chatCount();
        Reply again = fixture.http().post("/infer", QUERY);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(own.chatCount()).as("no call to the saturated server").isEqualTo(calls);
        assertThat(fixture.vllm().chatCount()).isEqualTo(baseCalls + 1);
        for (Reply r : List.of(fellBack, again)) {
          assertThat(r.json().get("fallback").asText())
              .contains("its server is saturated")
              .containsPattern("\\b(4[0-9]|50) requests waiting");
          assertThat(r.json().get("answer").asText()).startsWith("[Qwen/Qwen2.5-7B-Instruct]");
          String id = r.json().get("id").asText();
          assertThat(StoredRows.json(fixture.nyx(), id, "route").toString()).contains("saturated");
        }
        // A stream says who answers before its first byte: the base model, not kairos.
        Reply stream =
            fixture
                .http()
                .post(
                    "/v1/chat/completions",
                    "{\"model\":\"nyx/kairos\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"plan my afternoon\"}]}");
        assertThat(stream.status()).as(stream.body()).isEqualTo(200);
        assertThat(stream.header("X-Nyx-Specialist")).isEqualTo("base");
        assertThat(stream.body()).contains("[Qwen/Qwen2.5-7B-Instruct]").contains("[DONE]");
        assertThat(own.chatCount()).isEqualTo(calls);
        assertThat(fixture.http().get("/metrics").body())
            .contains("nyx_fallbacks_total{specialist=\"kairos\",why=\"saturated\"}");

        fixture.vllm().waiting(50);
        Reply refused = inferUntil(fixture, "a 503", r -> r.status() == 503);
        assertThat(refused.header("Retry-After")).isNotNull();
        assertThat(refused.json().at("/error/message").asText())
            .contains(own.baseUrl())
            .contains("and the base model's " + fixture.vllm().baseUrl());
        String id = refused.json().at("/error/query_id").asText();
        assertThat(StoredRows.text(fixture.nyx(), id, "status")).isEqualTo("backend_saturated");
      }
    }
  }

  /** Polls /infer until a reply matches (queues are read every 500 ms). */
  private static Reply inferUntil(NyxFixture fixture, String what, Predicate<Reply> done) {
    return await("/infer answering with " + what)
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> fixture.http().post("/infer", QUERY), done);
  }
}
