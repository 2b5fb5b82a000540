package io.nyx.safety;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.config.RiskCategoriesYaml;
import io.nyx.memory.Embedder;
import io.nyx.memory.MiniLmEmbedder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the screen looks at a text's clauses, over the real MiniLM: only for a text that is not
 * flagged whole, scores within {@link EmbeddingRiskScreen#BAND} of the threshold and has 2 to
 * {@link EmbeddingRiskScreen#MAX_CLAUSES} clauses; then in one batch; and a failing batch keeps the
 * whole text's assessment.
 */
class ClauseScreeningTest {
  static MiniLmEmbedder miniLm;
  final Batches batches = new Batches();
  EmbeddingRiskScreen screen;

  @BeforeAll
  static void load() {
    miniLm = new MiniLmEmbedder();
  }

  @AfterAll
  static void close() {
    miniLm.close();
  }

  @BeforeEach
  void build() {
    screen =
        new EmbeddingRiskScreen(
            batches, RiskCategoriesYaml.load(""), EmbeddingRiskScreen.DEFAULT_THRESHOLD);
    batches.seen.clear();
  }

  @Test
  void aRiskWrappedInARequestIsFoundInItsClauseInOneBatch() {
    RiskAssessment a = screen.screen("book a taxi to the cliffs, I'm not coming back");

    assertThat(a.flagged()).isTrue();
    assertThat(a.category()).isEqualTo("self_harm");
    assertThat(a.evidence()).contains("in the clause \"I'm not coming back\"");
    assertThat(batches.seen)
        .containsExactly(List.of("book a taxi to the cliffs", "I'm not coming back"));
  }

  @Test
  void aTextFlaggedWholeIsNotSplit() {
    assertThat(screen.screen("I want to kill myself, I have the pills ready").flagged()).isTrue();
    assertThat(batches.seen).isEmpty();
  }

  @Test
  void aTextFarBelowTheThresholdIsNotSplit() {
    String text = "convert this CSV file to JSON, then sort the rows by date";
    RiskAssessment a = screen.screen(text);

    assertThat(a.risk())
        .isLessThan(EmbeddingRiskScreen.DEFAULT_THRESHOLD - EmbeddingRiskScreen.BAND);
    assertThat(batches.seen).isEmpty();
  }

  @Test
  void oneClauseOrTooManyAreScreenedWhole() {
    double band = EmbeddingRiskScreen.DEFAULT_THRESHOLD - EmbeddingRiskScreen.BAND;
    RiskAssessment one = screen.screen("I'm going to bed now and I hope I never wake up");
    RiskAssessment nine =
        screen.screen("ok. so. well. then. yes. no. fine. sure. I'm not coming back");

    assertThat(one.risk()).as("near the threshold").isGreaterThanOrEqualTo(band);
    assertThat(nine.risk()).as("near the threshold").isGreaterThanOrEqualTo(band);
    assertThat(batches.seen).isEmpty();
  }

  @Test
  void aFailingBatchKeepsTheWholeTextsAssessmentAndSaysSo() {
    batches.failing = true;

    RiskAssessment a = screen.screen("book a taxi to the cliffs, I'm not coming back");

    assertThat(a.flagged()).isFalse();
    assertThat(a.risk())
        .isGreaterThanOrEqualTo(EmbeddingRiskScreen.DEFAULT_THRESHOLD - EmbeddingRiskScreen.BAND);
    assertThat(a.evidence()).containsExactly("clauses not screened: model down");
  }

  @Test
  void clausesEndAtPunctuationLineBreaksAndDashes() {
    assertThat(EmbeddingRiskScreen.clauses("ok, so: first; then. yes! no? maybe - fine  "))
        .containsExactly("ok", "so", "first", "then", "yes", "no", "maybe", "fine");
    assertThat(EmbeddingRiskScreen.clauses("a well-known one")).containsExactly("a well-known one");
    assertThat(EmbeddingRiskScreen.clauses("one — two – three -- four\nfive\r\nsix… seven"))
        .containsExactly("one", "two", "three", "four", "five", "six", "seven");
    assertThat(EmbeddingRiskScreen.clauses("今天很好。我不想活了！")).containsExactly("今天很好", "我不想活了");
    assertThat(EmbeddingRiskScreen.clauses(" ,;. ")).isEmpty();
  }

  /** MiniLM, recording each batch after construction; fails batches on demand. */
  static final class Batches implements Embedder {
    final List<List<String>> seen = new ArrayList<>();
    boolean failing;

    @Override
    public String modelId() {
      return miniLm.modelId();
    }

    @Override
    public int dimension() {
      return miniLm.dimension();
    }

    @Override
    public float[] embed(String text) {
      return miniLm.embed(text);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      if (failing) {
        throw new IllegalStateException("model down");
      }
      seen.add(List.copyOf(texts));
      return miniLm.embedAll(texts);
    }
  }
}
