package io.nyx.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MiniLmEmbedderTest {
  private static MiniLmEmbedder embedder;

  @BeforeAll
  static void load() {
    embedder = new MiniLmEmbedder();
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void vectorsAre384DimensionalAndUnitLength() {
    float[] v = embedder.embed("The quick brown fox jumps over the lazy dog.");
    assertThat(v).hasSize(384);
    assertThat(embedder.dimension()).isEqualTo(384);
    assertThat(embedder.modelId()).isEqualTo("all-minilm-l6-v2-q");
    assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void batchGivesTheSameVectorsAsSinglesInOrder() {
    List<String> texts =
        List.of(
            "How do I reset my password?",
            "The weather in Lisbon is lovely in May.",
            "I feel anxious before exams.",
            "a",
            "Quarterly revenue grew by 12 percent compared with last year.");
    List<float[]> batch = embedder.embedAll(texts);
    assertThat(batch).hasSize(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      float[] single = embedder.embed(texts.get(i));
      for (int d = 0; d < single.length; d++) {
        assertThat(batch.get(i)[d]).as("text %d dim %d", i, d).isCloseTo(single[d], within(1e-5f));
      }
      assertThat(norm(batch.get(i))).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void similarSentencesAreCloserThanUnrelatedOnes() {
    float[] cat = embedder.embed("My cat sleeps on the sofa all day.");
    float[] kitten = embedder.embed("The kitten naps on the couch for hours.");
    float[] tax = embedder.embed("When is the deadline for filing corporate taxes?");
    assertThat(dot(cat, kitten)).isGreaterThan(dot(cat, tax) + 0.2);
  }

  @Test
  void emptyBatchIsEmptyAndBlankTextIsRejected() {
    assertThat(embedder.embedAll(List.of())).isEmpty();
    assertThatThrownBy(() -> embedder.embed("   "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
  }

  @Test
  void encodeGivesTheSentenceVectorAndUnitTokenRowsWithoutSpecialTokens() {
    Encoded e = embedder.encode("what's my current bank balance");
    assertThat(e.vector()).containsExactly(embedder.embed("what's my current bank balance"));
    TokenVectors t = e.tokens();
    assertThat(t.pieces()).containsExactly("what", "'", "s", "my", "current", "bank", "balance");
    assertThat(t.dim()).isEqualTo(384);
    for (int p = 0; p < t.count(); p++) {
      float[] row = java.util.Arrays.copyOfRange(t.rows(), p * 384, (p + 1) * 384);
      assertThat(norm(row)).isCloseTo(1.0, within(1e-5));
    }
    // Contextual: the same piece in another sentence gets another vector.
    TokenVectors other = embedder.encode("the river bank flooded").tokens();
    int here = t.pieces().indexOf("bank");
    int there = other.pieces().indexOf("bank");
    double same = 0;
    for (int d = 0; d < 384; d++) {
      same += t.rows()[here * 384 + d] * other.rows()[there * 384 + d];
    }
    assertThat(same).isLessThan(0.95);
  }

  @Test
  void aLongTextIsCutAtTheTokenizers128TokensAsTheStockModelCutsIt() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      text.append("word").append(i).append(' ');
    }
    Encoded e = embedder.encode(text.toString());
    assertThat(e.tokens().count()).isEqualTo(126); // 128 minus [CLS] and [SEP]
    float[] stock =
        new dev.langchain4j.model.embedding.onnx.allminilml6v2q
                .AllMiniLmL6V2QuantizedEmbeddingModel()
            .embed(text.toString())
            .content()
            .vector();
    assertThat(dot(e.vector(), stock) / norm(stock)).isGreaterThan(0.99999);
  }

  private static double norm(float[] v) {
    return Math.sqrt(dot(v, v));
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  /** The non-spinning session computes what langchain4j's stock model computes. */
  @org.junit.jupiter.api.Test
  void ownSessionMatchesTheStockModel() {
    var stock =
        new dev.langchain4j.model.embedding.onnx.allminilml6v2q
            .AllMiniLmL6V2QuantizedEmbeddingModel();
    try (MiniLmEmbedder ours = new MiniLmEmbedder()) {
      for (String t :
          java.util.List.of(
              "What did I tell you about my sister's wedding last spring?",
              "hi",
              "what's my current bank balance",
              "Café déjà vu — naïve coöperation, 100% ünïcödé!",
              "  leading and trailing spaces\tand a tab  ",
              "I have a report due in two hours, what should I do first? ".repeat(20),
              "I have a report due in two hours, what should I do first? ".repeat(60))) {
        float[] a = ours.embed(t);
        float[] b = stock.embed(t).content().vector();
        double dot = 0;
        double norm = 0;
        for (int k = 0; k < a.length; k++) {
          dot += a[k] * b[k];
          norm += b[k] * b[k];
        }
        org.assertj.core.api.Assertions.assertThat(dot / Math.sqrt(norm))
            .as(t)
            .isGreaterThan(0.99999);
      }
    }
  }
}
