package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ThompsonExplorerTest {
  static final Map<String, Double> SCORES = Map.of("a", 0.6, "b", 0.5, "c", 0.1);
  static final Map<String, TraitPosterior> POSTERIORS =
      Map.of(
          "a", TraitPosterior.initial("a", 0.5, 0, 1),
          "b", TraitPosterior.initial("b", 0.5, 0, 1),
          "c", TraitPosterior.initial("c", 0.5, 0, 1));

  @Test
  void withinTheBudgetOnlyPlausibleSpecialistsAreDrawn() {
    ThompsonExplorer e = new ThompsonExplorer(1.0);
    SplittableRandom rng = new SplittableRandom(1);
    int b = 0;
    for (int i = 0; i < 2000; i++) {
      String s =
          e.choose(SCORES, Optional.of("a"), POSTERIORS, LearningSettings.DEFAULT, rng)
              .orElseThrow();
      assertThat(s).isNotEqualTo("c"); // 0.1 < 0.5 * 0.6
      b += s.equals("b") ? 1 : 0;
    }
    // Beta(10,10) draws: b wins when 0.5·θb > 0.6·θa, about 27% of the time.
    assertThat(b).isBetween(400, 700);
  }

  @Test
  void offAndAbstainedDecisionsAreLeftAlone() {
    SplittableRandom rng = new SplittableRandom(1);
    assertThat(
            ThompsonExplorer.OFF.choose(
                SCORES, Optional.of("a"), POSTERIORS, LearningSettings.DEFAULT, rng))
        .contains("a");
    assertThat(
            new ThompsonExplorer(1)
                .choose(SCORES, Optional.empty(), POSTERIORS, LearningSettings.DEFAULT, rng))
        .isEmpty();
  }
}
