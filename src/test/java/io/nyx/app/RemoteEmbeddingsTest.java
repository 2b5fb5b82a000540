package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.config.ConfigLoader;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.StoredRows;
import io.nyx.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server with {@code embedding.provider: openai}: concurrent requests' queries and answers
 * travel to {@code /v1/embeddings} together, as base64, and every request is still answered, routed
 * and recorded. One request per text would pass every other test.
 */
class RemoteEmbeddingsTest {
  @TempDir Path dir;

  @Test
  void concurrentRequestsShareEmbeddingCallsAndAreAllAnsweredAndRecorded() throws Exception {
    try (FakeVllm vllm = FakeVllm.start("Qwen/Qwen2.5-7B-Instruct", NyxFixture.ADAPTERS)) {
      vllm.embeddingDimension(96).embeddingDelay(Duration.ofMillis(60));
      Path yaml = dir.resolve("nyx.yaml");
      Files.writeString(
          yaml,
          "embedding:\n  provider: openai\n  url: %s\n  model: %s\n  max_in_flight: 2\n"
              .formatted(vllm.baseUrl(), FakeVllm.EMBEDDING_MODEL));
      Map<String, String> flags =
          Map.of(
              "port", "0",
              "llm-url", vllm.baseUrl(),
              "data-dir", dir.resolve("data").toString(),
              "config", yaml.toString());
      try (Nyx nyx = Nyx.start(ConfigLoader.load(flags, Map.of()), TestDatabase.fresh())) {
        HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
        int atStart = vllm.embeddingRequests();
        int textsAtStart = vllm.embeddingInputs();

        List<Future<HttpTestClient.Reply>> replies = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
          for (int i = 0; i < 24; i++) {
            String body = "{\"query\":\"Help me plan the week of project number " + i + "\"}";
            replies.add(clients.submit(() -> http.post("/infer", body)));
          }
        }

        for (Future<HttpTestClient.Reply> r : replies) {
          HttpTestClient.Reply reply = r.get();
          assertThat(reply.status()).as(reply.body()).isEqualTo(200);
          String id = reply.json().path("id").asText();
          assertThat(StoredRows.text(nyx, id, "status")).isEqualTo("ok");
          assertThat(StoredRows.text(nyx, id, "specialist")).isIn(NyxFixture.ADAPTERS);
          // scored against every specialist's exemplars with the server's vectors
          assertThat(StoredRows.json(nyx, id, "route").path("scores").size()).isEqualTo(5);
        }
        // 24 queries and 24 answers, each a text of its own (and the clauses of those the risk
        // screen looks into): a call per text without batching, at most half as many with it.
        int texts = vllm.embeddingInputs() - textsAtStart;
        assertThat(texts).isGreaterThanOrEqualTo(48);
        assertThat(vllm.embeddingRequests() - atStart).isLessThanOrEqualTo(texts / 2);
        assertThat(vllm.lastEmbeddingRequest().path("encoding_format").asText())
            .isEqualTo("base64");
      }
    }
  }
}
