package io.nyx.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CanaryTestTest {
  private static final CanarySettings S = new CanarySettings(0.5, 0.05, 20, 400);

  private static double[] steady(double reward, int n) {
    double[] r = new double[n];
    Arrays.fill(r, reward);
    return r;
  }

  @Test
  void aClearlyWorseCanaryIsRolledBackOnceBothSidesHaveTheMinimum() {
    CanaryTest.Verdict early = CanaryTest.judge(steady(-0.2, 19), steady(0.9, 200), S);
    CanaryTest.Verdict enough = CanaryTest.judge(steady(-0.2, 60), steady(0.9, 60), S);

    assertThat(early).isInstanceOf(CanaryTest.Verdict.Collecting.class);
    assertThat(enough).isInstanceOf(CanaryTest.Verdict.Rollback.class);
    assertThat(enough.figures().upper()).isNegative();
    assertThat(enough.figures().canaryMean())
        .isEqualTo(-0.2, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void aClearlyBetterCanaryIsPromoted() {
    CanaryTest.Verdict v = CanaryTest.judge(steady(0.9, 60), steady(-0.2, 60), S);

    assertThat(v).isInstanceOf(CanaryTest.Verdict.Promote.class);
    assertThat(v.figures().lower()).isPositive();
    assertThat(v.figures().toMap())
        .containsEntry("canary_answers", 60)
        .containsEntry("alpha", 0.05);
  }

  @Test
  void equalRewardsAreUndecidedUntilTheCanaryReachesItsMaximum() {
    assertThat(CanaryTest.judge(steady(0.5, 399), steady(0.5, 399), S))
        .isInstanceOf(CanaryTest.Verdict.Collecting.class);
    assertThat(CanaryTest.judge(steady(0.5, 400), steady(0.5, 400), S))
        .isInstanceOf(CanaryTest.Verdict.Inconclusive.class);
  }

  @Test
  void withoutAnswersOnTheActiveSideNothingIsDecided() {
    assertThat(CanaryTest.judge(steady(0.9, 100), new double[0], S))
        .isInstanceOf(CanaryTest.Verdict.Collecting.class);
  }
}
