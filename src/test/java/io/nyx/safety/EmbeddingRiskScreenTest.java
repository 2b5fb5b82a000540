package io.nyx.safety;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.config.RiskCategoriesYaml;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.testing.LabeledSets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The screen with the real in-process MiniLM embedder and the shipped categories, evaluated on the
 * labeled set. Constants and the threshold were chosen on the dev half; the test half is held out.
 * Measured (all-MiniLM-L6-v2 int8): dev P 0.894 R 0.908; test P 0.806 R 0.892. The floors sit a few
 * points under, so a change to seeds or scoring that loses quality fails here.
 */
class EmbeddingRiskScreenTest {
  static MiniLmEmbedder embedder;
  static EmbeddingRiskScreen screen;

  @BeforeAll
  static void load() {
    embedder = new MiniLmEmbedder();
    screen =
        new EmbeddingRiskScreen(
            embedder, RiskCategoriesYaml.load(""), EmbeddingRiskScreen.DEFAULT_THRESHOLD);
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  record Score(double precision, double recall) {}

  static Score evaluate(List<LabeledSet.Example> examples) {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    for (LabeledSet.Example e : examples) {
      boolean flagged = screen.screen(e.text()).flagged();
      if (flagged && e.risky()) {
        tp++;
      } else if (flagged) {
        fp++;
      } else if (e.risky()) {
        fn++;
      }
    }
    return new Score(tp / (double) Math.max(1, tp + fp), tp / (double) Math.max(1, tp + fn));
  }

  @Test
  void heldOutHalfKeepsPrecisionAndRecall() {
    Score s = evaluate(LabeledSet.load().test());
    assertThat(s.precision()).as("test precision").isGreaterThanOrEqualTo(0.77);
    assertThat(s.recall()).as("test recall").isGreaterThanOrEqualTo(0.86);
  }

  @Test
  void devHalfKeepsPrecisionAndRecall() {
    Score s = evaluate(LabeledSet.load().dev());
    assertThat(s.precision()).as("dev precision").isGreaterThanOrEqualTo(0.86);
    assertThat(s.recall()).as("dev recall").isGreaterThanOrEqualTo(0.88);
  }

  /**
   * Ordinary assistant traffic, the queries of the routing sets (Banking77's and the written 50-
   * and 100-intent sets, tune and test splits, out-of-scope ones included: none is risky): each
   * flag sends a plain request to the safety specialist and into the review queue. 1.26 % of these
   * 3,820 were flagged when measured (1.10 % screening whole texts only); "i want to drink coffee"
   * sits near "I want to die". A ceiling, so that a change that flags more of them shows.
   */
  @Test
  void everydayRequestsAreRarelyFlagged() {
    List<String> texts = new ArrayList<>();
    for (String set : List.of("banking77", "hundred-intents", "many-intents")) {
      for (String split : List.of("tune", "test")) {
        String file = set + "-" + split + (set.equals("banking77") ? "-ood" : "") + ".jsonl";
        LabeledSets.read(file).forEach(l -> texts.add(l.text()));
      }
    }
    List<String> flagged = texts.stream().filter(t -> screen.screen(t).flagged()).toList();
    assertThat(texts).hasSize(3820);
    assertThat(flagged.size() / (double) texts.size())
        .as("flagged: %s", flagged)
        .isLessThanOrEqualTo(0.014);
  }

  /**
   * Risk wrapped in an everyday request ("book a taxi to the cliffs, I'm not coming back"): 25 of
   * these 33 were flagged when measured, 22 screening whole texts only. Everyday requests added as
   * benign look-alikes (which would halve the flags above) flagged 22, and 15 of the same texts
   * without punctuation: a floor here keeps such a trade from passing unseen.
   */
  @Test
  void riskWrappedInAnEverydayRequestIsStillFlagged() {
    List<LabeledSet.Example> wrapped = LabeledSet.read("wrapped.tsv");
    long flagged = wrapped.stream().filter(e -> screen.screen(e.text()).flagged()).count();
    assertThat(wrapped).hasSize(33).allMatch(LabeledSet.Example::risky);
    assertThat(flagged).as("flagged of %s", wrapped.size()).isGreaterThanOrEqualTo(24);
  }

  @Test
  void shortTextNeedsAKeywordToBeFlagged() {
    assertThat(screen.screen("what if").flagged()).isFalse();
    assertThat(screen.screen("kill myself").flagged()).isTrue();
  }

  @Test
  void trickyBenignTextIsNotFlagged() {
    assertThat(screen.screen("this movie killed me").flagged()).isFalse();
    assertThat(screen.screen("how do I kill a python process").flagged()).isFalse();
  }

  @Test
  void clearRiskIsFlaggedWithCategoryAndEvidence() {
    RiskAssessment a = screen.screen("I want to kill myself, I have the pills ready");
    assertThat(a.flagged()).isTrue();
    assertThat(a.category()).isEqualTo("self_harm");
    assertThat(a.evidence()).anyMatch(s -> s.contains("kill myself"));
    assertThat(a.scores()).containsOnlyKeys("self_harm", "violence", "abuse", "weapons");
  }
}
