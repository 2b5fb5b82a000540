package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.config.EmbeddingConfig;
import io.nyx.memory.Embedder;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on BGE-small: routing uses it, while Eleos's risk screen keeps the MiniLM it was tuned
 * on (at the MiniLM threshold BGE's cosines flagged every benign text, forcing everything to
 * Eleos).
 */
class BgeServerTest {
  @TempDir Path dataDir;

  @Test
  void routesWithBgeAndScreensWithMiniLm() {
    try (NyxFixture f =
        NyxFixture.start(dataDir, Map.of("embedding-model", "bge-small-en-v1.5-q"))) {
      f.vllm().reply((model, req) -> "Leave by 3pm.");
      Reply benign =
          f.http()
              .post(
                  "/infer",
                  "{\"query\":\"I have a flight at 6pm tomorrow, when should I leave for the"
                      + " airport?\"}");
      assertThat(benign.status()).as(benign.body()).isEqualTo(200);
      JsonNode j = benign.json();
      assertThat(j.at("/route/method").asText()).isEqualTo("semantic");
      assertThat(j.get("specialist").asText()).isEqualTo("kairos");

      Reply risky =
          f.http()
              .post(
                  "/infer", "{\"query\":\"I want to kill myself tonight, nobody would miss me\"}");
      assertThat(risky.json().get("specialist").asText()).as(risky.body()).isEqualTo("eleos");
      assertThat(f.vllm().requests().getLast().at("/messages/0/content").asText())
          .contains("crisis line");
    }
  }

  @Test
  void anyModelButMiniLmGetsAScreenEmbedderOfItsOwn() {
    assertThat(Embedders.forRiskScreen(config("local", "all-minilm-l6-v2-q"))).isEmpty();
    assertThat(Embedders.forRiskScreen(config("openai", "sentence-transformers/all-MiniLM-L6-v2")))
        .isEmpty();
    for (EmbeddingConfig other :
        List.of(
            config("local", "bge-small-en-v1.5-q"),
            config("openai", "BAAI/bge-small-en-v1.5"),
            config("openai", "me/all-MiniLM-L6-v2-finetuned"))) {
      Optional<Embedder> own = Embedders.forRiskScreen(other);
      assertThat(own).as(other.model()).isPresent();
      try (Embedder e = own.get()) {
        assertThat(e.modelId()).isEqualTo("all-minilm-l6-v2-q");
      }
    }
  }

  private static EmbeddingConfig config(String provider, String model) {
    return new EmbeddingConfig(
        provider,
        "openai".equals(provider) ? "http://127.0.0.1:1/v1" : "",
        model,
        true,
        EmbeddingConfig.DEFAULT_ENCODING_FORMAT,
        EmbeddingConfig.DEFAULT_MAX_IN_FLIGHT,
        EmbeddingConfig.AUTO);
  }
}
