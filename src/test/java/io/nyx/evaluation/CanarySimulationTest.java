package io.nyx.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.adapter.CanarySettings;
import org.junit.jupiter.api.Test;

/**
 * The canary test at its default settings on seeded simulated traffic, checked after every request
 * (see {@link CanarySimulation}): its error rate holds under continuous monitoring, and it decides
 * realistic differences in a bounded number of requests.
 */
class CanarySimulationTest {
  private final CanarySimulation sim =
      new CanarySimulation(CanarySettings.DEFAULT, CanarySimulation.SPREAD);

  /**
   * Equal rewards: a promotion or rollback the test decides is a false decision; over 400 runs
   * their share stays below alpha (0.05; the union bound makes it conservative). Undecided runs end
   * as inconclusive at canary_max_samples.
   */
  @Test
  void equalVersionsAreRarelyPromotedOrRolledBack() {
    CanarySimulation.Summary s = sim.summarise(0, 400, 1);

    assertThat(s.share(s.promoted() + s.rolledBack())).isLessThan(CanarySettings.DEFAULT_ALPHA);
    assertThat(s.inconclusive()).isGreaterThan(380);
  }

  /** A difference of 0.2 in mean reward is decided, the right way, well before the horizon. */
  @Test
  void aDifferenceOfPointTwoIsDecidedCorrectlyWithinAThousandRequests() {
    CanarySimulation.Summary better = sim.summarise(0.2, 200, 2);
    CanarySimulation.Summary worse = sim.summarise(-0.2, 200, 3);

    assertThat(better.promoted()).isEqualTo(200);
    assertThat(worse.rolledBack()).isEqualTo(200);
    assertThat(better.requestsToDecide(0.9)).isLessThan(1200);
    assertThat(worse.requestsToDecide(0.5)).isLessThan(1000);
  }

  /** The minimum sample holds: nothing is decided before each side has canary_min_samples. */
  @Test
  void noDecisionBeforeTheMinimumSample() {
    CanarySimulation fast = new CanarySimulation(new CanarySettings(0.5, 0.05, 150, 2000), 0);
    CanarySimulation.Run r = fast.run(1.0, -1.0, new java.util.SplittableRandom(4));

    assertThat(r.outcome()).isEqualTo(CanarySimulation.Outcome.PROMOTED);
    assertThat(r.requests()).isGreaterThanOrEqualTo(300);
  }
}
