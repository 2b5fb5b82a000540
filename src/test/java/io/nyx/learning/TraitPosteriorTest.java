package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The update rules against hand-computed numbers. */
class TraitPosteriorTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final LearningSettings S =
      new LearningSettings(10, Duration.ofHours(1), 0.05, 0.01, Duration.ofMinutes(30));

  @Test
  void evidenceMovesTheWeightTowardThePosteriorMeanByAtMostOneStep() {
    TraitPosterior p = TraitPosterior.initial("a", 0.5, 0.05, 1.0);
    // Beta(5 + 3, 5 + 1): mean 8/14 = 0.5714; step capped at 0.05.
    TraitPosterior q = p.observe(new TraitEvidence(3, 4), T0, S);
    assertThat(q.mean(S)).isCloseTo(8.0 / 14, within(1e-12));
    assertThat(q.weight()).isCloseTo(0.55, within(1e-12));
    // Same time, one more failure: Beta(8, 7) mean 0.5333, 0.0167 from 0.55, more than the band.
    assertThat(q.observe(new TraitEvidence(0, 1), T0, S).weight())
        .isCloseTo(8.0 / 15, within(1e-12));
  }

  @Test
  void aChangeInsideTheHysteresisBandLeavesTheWeight() {
    TraitPosterior p = TraitPosterior.initial("a", 0.5, 0.05, 1.0);
    // Beta(5.1, 5 + 0.1 - 0.1): mean 5.1/10.1 = 0.50495, 0.005 < band 0.01.
    assertThat(p.observe(new TraitEvidence(0.1, 0.1), T0, S).weight()).isEqualTo(0.5);
  }

  @Test
  void evidenceHalvesEveryHalfLife() {
    TraitPosterior p =
        TraitPosterior.initial("a", 0.5, 0.05, 1.0).observe(new TraitEvidence(4, 4), T0, S);
    TraitPosterior q = p.observe(TraitEvidence.NONE, T0.plus(Duration.ofHours(2)), S);
    assertThat(q.successes()).isCloseTo(1.0, within(1e-12));
    assertThat(q.trials()).isEqualTo(4);
    assertThat(q.successTotal()).isEqualTo(4);
  }

  @Test
  void anOperatorWeightIsThePinnedPriorAndLearningMovesOnlyFromItAfterThePin() {
    TraitPosterior p =
        TraitPosterior.initial("a", 0.5, 0.05, 1.0).observe(new TraitEvidence(9, 10), T0, S);
    TraitPosterior steered = p.steer(0.2, T0, S);
    assertThat(steered.priorWeight()).isEqualTo(0.2);
    assertThat(steered.successes() + steered.failures()).isZero();
    TraitPosterior pinned = steered.observe(new TraitEvidence(5, 5), T0.plusSeconds(60), S);
    assertThat(pinned.weight()).isEqualTo(0.2);
    // After 30 min: evidence 5 of 5 decayed by 2^(-29/60) = 0.7152; Beta(2 + 3.576, 8) mean 0.4108.
    TraitPosterior free = pinned.observe(TraitEvidence.NONE, T0.plus(Duration.ofMinutes(30)), S);
    assertThat(free.weight()).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void rewardsMapToSuccessDegree() {
    assertThat(TraitEvidence.ofReward(0.5, 2)).isEqualTo(new TraitEvidence(1.5, 2));
    assertThat(TraitEvidence.ofReward(-1, 0.25)).isEqualTo(new TraitEvidence(0, 0.25));
  }
}
