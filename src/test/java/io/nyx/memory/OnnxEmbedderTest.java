package io.nyx.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * BGE through the same one-run path as MiniLM: a unit [CLS] vector that matches langchain4j's own
 * encoder for the model, and token vectors for token matching.
 */
class OnnxEmbedderTest {
  @Test
  void bgeGivesTheStockVectorAndTokenVectors() {
    try (OnnxEmbedder bge = new OnnxEmbedder(LocalModel.BGE_SMALL)) {
      Encoded e = bge.encode("when should I leave for the airport?");
      float[] stock =
          new dev.langchain4j.model.embedding.onnx.bgesmallenv15q
                  .BgeSmallEnV15QuantizedEmbeddingModel()
              .embed("when should I leave for the airport?")
              .content()
              .vector();

      assertThat(bge.modelId()).isEqualTo("bge-small-en-v1.5-q");
      assertThat(e.vector()).hasSize(384);
      assertThat(VectorMath.dot(e.vector(), stock)).isCloseTo(1.0, within(1e-4));
      assertThat(e.tokens().pieces()).contains("airport");
      assertThat(e.tokens().dim()).isEqualTo(384);
    }
  }

  @Test
  void modelsAreKnownByTheirIds() {
    assertThat(LocalModel.byId("all-minilm-l6-v2-q")).hasValue(LocalModel.MINILM);
    assertThat(LocalModel.byId("bge-small-en-v1.5-q")).hasValue(LocalModel.BGE_SMALL);
    assertThat(LocalModel.byId("e5")).isEmpty();
  }
}
