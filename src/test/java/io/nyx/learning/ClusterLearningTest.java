package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

/** Per-cluster posteriors (specialists' and the base model's), by hand, on a fixed clock. */
class ClusterLearningTest {
  static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

  /** Prior strength 10, half-life 1 h, step 1, no hysteresis, pin 30 min. */
  static final LearningSettings S =
      new LearningSettings(10, Duration.ofHours(1), 1, 0, Duration.ofMinutes(30));

  private static MemoryTraitStore store() {
    MemoryTraitStore s = new MemoryTraitStore(InstantSource.fixed(T0));
    s.configure(S);
    s.ensure("moira", 0.5, 0.05, 1.0);
    s.ensure("kairos", 0.5, 0.05, 1.0);
    return s;
  }

  @Test
  void aClusterStartsAtItsTraitsWeightAndLearnsAlone() {
    MemoryTraitStore s = store();
    s.observe("moira", new TraitEvidence(0, 4), T0, "reward", ""); // Beta(5, 9): 5/14
    assertThat(s.find("moira").orElseThrow().weight()).isCloseTo(5.0 / 14, within(1e-12));
    // the cluster starts from 5/14 (prior strength 10): Beta(10·5/14 + 2, 10·9/14) -> 78/168
    TraitPosterior c = s.observeCluster("moira", 3, new TraitEvidence(2, 2), T0);
    assertThat(c.priorWeight()).isCloseTo(5.0 / 14, within(1e-12));
    assertThat(c.weight()).isCloseTo((50.0 / 14 + 2) / 12, within(1e-12));
    assertThat(s.find("moira").orElseThrow().weight()).isCloseTo(5.0 / 14, within(1e-12));
    assertThat(s.clusterPosteriors().get("moira")).containsOnlyKeys(3);
  }

  @Test
  void evidenceDecaysByHalfLifeInAClusterToo() {
    MemoryTraitStore s = store();
    s.observeCluster("kairos", 0, new TraitEvidence(4, 4), T0);
    TraitPosterior c =
        s.observeCluster("kairos", 0, new TraitEvidence(0, 2), T0.plus(Duration.ofHours(1)));
    assertThat(c.successes()).isEqualTo(2.0); // 4 halved
    assertThat(c.failures()).isEqualTo(2.0);
    assertThat(c.weight()).isCloseTo(7.0 / 14, within(1e-12));
    assertThat(c.trials()).isEqualTo(6.0);
  }

  @Test
  void steeringRestartsClustersAndIsNotOverriddenWhilePinned() {
    MemoryTraitStore s = store();
    s.observeCluster("moira", 1, new TraitEvidence(0, 6), T0);
    s.set("moira", 0.8, "operator", "trust moira");
    TraitPosterior c = s.clusterPosteriors().get("moira").get(1);
    assertThat(c.weight()).isEqualTo(0.8);
    assertThat(c.evidence()).isZero();
    TraitPosterior after = s.observeCluster("moira", 1, new TraitEvidence(0, 6), T0);
    assertThat(after.weight()).as("pinned: evidence counts, the weight stays").isEqualTo(0.8);
    Instant later = T0.plus(Duration.ofMinutes(31));
    TraitPosterior moved = s.observeCluster("moira", 1, new TraitEvidence(0, 0), later);
    // after the pin: prior 0.8·10 = 8 against 2 + 6·2^(-31/60) failures
    double f = 6 * Math.pow(2, -31.0 / 60);
    assertThat(moved.weight()).isCloseTo(8 / (10 + f), within(1e-12));
  }

  @Test
  void theBaseModelLearnsPerClusterFromTheNeutralPrior() {
    MemoryTraitStore s = store();
    TraitPosterior b = s.observeBase(2, new TraitEvidence(3, 4), T0); // Beta(5 + 3, 5 + 1)
    assertThat(b.name()).isEqualTo(ClusterStore.BASE);
    assertThat(b.priorWeight()).isEqualTo(0.5);
    assertThat(b.alpha(S)).isEqualTo(8.0);
    assertThat(b.beta(S)).isEqualTo(6.0);
    TraitPosterior later = s.observeBase(2, new TraitEvidence(0, 0), T0.plus(Duration.ofHours(1)));
    assertThat(later.successes()).isEqualTo(1.5);
    assertThat(s.baseClusters()).containsOnlyKeys(2);
    assertThat(s.clusterPosteriors()).as("no trait is touched").isEmpty();
  }
}
