package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The delay, unsafe-output, review and prediction parts of the reward, by hand-computed values. */
class RewardPowersTest {
  private final RewardFunction f = new RewardFunction();

  private Reward score(double confidence, long latencyMs, long budgetMs, boolean unsafe) {
    return f.score(
        new AnswerSignals(
            OptionalDouble.of(confidence), "stop", false, latencyMs, budgetMs, unsafe));
  }

  @Test
  void withinBudgetNoDelayComponent() {
    Reward r = score(0.9, 3_000, 3_000, false);
    assertThat(r.components()).doesNotContainKey("delay");
    assertThat(r.value()).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void delayIsAQuarterPointPerBudgetOverrun() {
    // 4.5 s against a 3 s budget: overrun 0.5 budgets -> -0.125; 2·0.9 − 1 = 0.8 -> 0.675
    Reward r = score(0.9, 4_500, 3_000, false);
    assertThat(r.components().get("delay")).isCloseTo(-0.125, within(1e-12));
    assertThat(r.value()).isCloseTo(0.675, within(1e-12));
  }

  @Test
  void delayIsCappedAtHalfAPoint() {
    Reward r = score(0.9, 60_000, 3_000, false);
    assertThat(r.components().get("delay")).isEqualTo(-0.5);
    assertThat(r.value()).isCloseTo(0.3, within(1e-12));
  }

  @Test
  void noBudgetNoDelay() {
    assertThat(score(0.9, 600_000, 0, false).components()).doesNotContainKey("delay");
  }

  @Test
  void unsafeOutputCostsHalfAPoint() {
    Reward r = score(0.75, 10, 3_000, true);
    assertThat(r.components().get("unsafe_output")).isEqualTo(-0.5);
    assertThat(r.value()).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void harmfulVerdictCapsTheRating() {
    assertThat(f.reviewRating(true, 1)).isEqualTo(-0.5);
    assertThat(f.reviewRating(true, -0.8)).isEqualTo(-0.8);
    assertThat(f.reviewRating(false, 0.6)).isEqualTo(0.6);
  }

  @Test
  void predictionRatingIsOneMinusTwiceBrier() {
    assertThat(f.predictionRating(0.8, true)).isCloseTo(1 - 2 * 0.04, within(1e-12));
    assertThat(f.predictionRating(0.8, false)).isCloseTo(1 - 2 * 0.64, within(1e-12));
    assertThat(f.predictionRating(1.0, false)).isEqualTo(-1);
    assertThat(f.predictionRating(0.5, true)).isCloseTo(0.5, within(1e-12));
  }
}
