package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The contextual bandit's choice, on a fixed clock and seed. */
class ClusterBanditTest {
  static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

  /** Prior strength 10, half-life 1 h, step 1, no hysteresis, pin 30 min. */
  static final LearningSettings S =
      new LearningSettings(10, Duration.ofHours(1), 1, 0, Duration.ofMinutes(30));

  static final List<String> BOTH = List.of("eleos", "kairos");

  private static MemoryTraitStore store() {
    MemoryTraitStore s = new MemoryTraitStore(InstantSource.fixed(T0));
    s.configure(S);
    s.ensure("kairos", 0.5, 0.05, 1.0);
    s.ensure("eleos", 0.5, 0.05, 1.0);
    return s;
  }

  private static ClusterBandit.State state(MemoryTraitStore s) {
    return new ClusterBandit.State(
        s.posteriors(), s.clusterPosteriors(), s.baseClusters(), s.settings());
  }

  /** How often each arm ("base" for the base model) is chosen in n draws from seed 42. */
  private static Map<String, Integer> counts(
      ClusterBandit b,
      MemoryTraitStore s,
      List<String> admissible,
      Optional<String> routed,
      int n) {
    SplittableRandom rng = new SplittableRandom(42);
    Map<String, Integer> c = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      c.merge(b.choose(3, admissible, routed, state(s), T0, rng).orElse("base"), 1, Integer::sum);
    }
    return c;
  }

  @Test
  void anOutOfScopeQueryGoesToTheBaseModelWhateverWasLearned() {
    MemoryTraitStore s = store();
    s.observeCluster("kairos", 3, new TraitEvidence(50, 50), T0);
    s.observeBase(3, new TraitEvidence(0, 50), T0);
    assertThat(counts(new ClusterBandit(0), s, List.of(), Optional.empty(), 100))
        .containsExactly(Map.entry("base", 100));
  }

  @Test
  void untilTheClusterHoldsMinEvidenceTheRoutersDecisionStands() {
    MemoryTraitStore s = store();
    s.observeCluster("eleos", 3, new TraitEvidence(0, 1), T0);
    s.observeCluster("kairos", 3, new TraitEvidence(1, 1), T0); // 2 observations, 1 each
    ClusterBandit b = new ClusterBandit(2.5);
    assertThat(counts(b, s, BOTH, Optional.of("eleos"), 50))
        .containsExactly(Map.entry("eleos", 50));
    assertThat(counts(b, s, BOTH, Optional.of("eleos"), 50))
        .as("another cluster (-1: none) also keeps the router's decision")
        .containsExactly(Map.entry("eleos", 50));
    s.observeBase(3, new TraitEvidence(0, 1), T0); // 3 > 2.5: the bandit decides
    assertThat(counts(b, s, BOTH, Optional.of("eleos"), 1000))
        .containsExactly(Map.entry("base", 241), Map.entry("eleos", 242), Map.entry("kairos", 517));
  }

  @Test
  void clearEvidenceMakesTheBetterArmWinAlmostAlways() {
    MemoryTraitStore s = store();
    s.observeCluster("kairos", 3, new TraitEvidence(85, 100), T0); // Beta(90, 20)
    s.observeCluster("eleos", 3, new TraitEvidence(80, 100), T0); // Beta(85, 25)
    s.observeBase(3, new TraitEvidence(30, 100), T0); // Beta(35, 75)
    assertThat(counts(new ClusterBandit(2), s, BOTH, Optional.of("eleos"), 1000))
        .containsExactly(Map.entry("eleos", 180), Map.entry("kairos", 820));
  }

  @Test
  void theBaseModelWinsWhereEveryFittingSpecialistIsWorse() {
    MemoryTraitStore s = store();
    s.observeCluster("kairos", 3, new TraitEvidence(25, 100), T0);
    s.observeBase(3, new TraitEvidence(70, 100), T0);
    assertThat(counts(new ClusterBandit(2), s, List.of("kairos"), Optional.of("kairos"), 1000))
        .containsExactly(Map.entry("base", 1000));
  }

  @Test
  void aClusterWithoutEvidenceBacksOffToTheSpecialistsCurrentWeight() {
    MemoryTraitStore s = store();
    s.observe("kairos", new TraitEvidence(90, 90), T0, "reward", ""); // weight 95/100, step 1
    assertThat(s.find("kairos").orElseThrow().weight()).isEqualTo(0.95);
    s.observeBase(3, new TraitEvidence(5, 10), T0); // Beta(10, 10); kairos in 3: Beta(9.5, 0.5)
    assertThat(counts(new ClusterBandit(2), s, List.of("kairos"), Optional.of("kairos"), 1000))
        .containsExactly(Map.entry("kairos", 1000));
  }

  @Test
  void anOperatorsPinnedWeightIsTheArmsValueNotADraw() {
    MemoryTraitStore s = store();
    s.observeCluster("kairos", 3, new TraitEvidence(100, 100), T0);
    s.observeBase(3, new TraitEvidence(100, 100), T0);
    s.set("eleos", 1.0, "operator", "eleos takes what fits it");
    s.observeCluster("eleos", 3, new TraitEvidence(0, 50), T0); // evidence while pinned: counted
    assertThat(counts(new ClusterBandit(2), s, BOTH, Optional.of("kairos"), 200))
        .as("value 1.0 beats every draw, whatever the cluster says")
        .containsExactly(Map.entry("eleos", 200));
    s.set("eleos", 0.05, "operator", "keep eleos away");
    assertThat(counts(new ClusterBandit(2), s, BOTH, Optional.of("eleos"), 200))
        .containsExactly(Map.entry("base", 101), Map.entry("kairos", 99));
  }

  @Test
  void aContextIsTheClusterWithItsCandidateSetTheSameOnEveryReplica() {
    int id = BanditContext.of(3, List.of("kairos", "eleos"));
    assertThat(id).isEqualTo(BanditContext.of(3, List.of("eleos", "kairos"))).isNotNegative();
    assertThat(BanditContext.of(3, List.of("kairos"))).isNotEqualTo(id);
    assertThat(BanditContext.of(4, List.of("eleos", "kairos"))).isNotEqualTo(id);
    assertThat(BanditContext.of(-1, List.of("kairos"))).isEqualTo(-1);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update("3|eleos,kairos".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(id).isEqualTo((int) (crc.getValue() & 0x7fffffff));
  }
}
