package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.config.SpecialistsYaml;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.specialist.SpecialistConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Raised trait weights reorder specialists that fit a query but never make an unrelated query fit
 * (learning had pushed weights up and out-of-scope traffic stopped reaching the base model).
 */
class PriorCannotLiftOutOfScopeTest {
  static MiniLmEmbedder embedder;
  static SemanticRouter router;
  static final List<SpecialistConfig> FIVE = SpecialistsYaml.defaults();

  @BeforeAll
  static void load() {
    embedder = new MiniLmEmbedder();
    router = new SemanticRouter(embedder, FIVE, RoutingSettings.DEFAULT);
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  private static Map<String, Double> all(double w) {
    Map<String, Double> m = new HashMap<>();
    FIVE.forEach(s -> m.put(s.name(), w));
    return m;
  }

  @Test
  void maximalWeightsDoNotRouteANearMissQuery() {
    String q = "Who won the Champions League in 2012?";
    RouteDecision neutral = router.route(q, all(0.5));
    assertThat(neutral).isInstanceOf(RouteDecision.Abstained.class);
    // Its best raw score is close enough that a weight of 1.0 (prior 1.41) lifts the score over
    // the threshold, as the scores show; the decision still abstains.
    RouteDecision boosted = router.route(q, all(1.0));
    assertThat(boosted.scores().values().iterator().next()).isGreaterThan(router.threshold());
    assertThat(boosted).isInstanceOf(RouteDecision.Abstained.class);
  }

  @Test
  void aLowWeightStillDemotesAFittingSpecialist() {
    String q = "What did I tell you about my sister's wedding last spring?";
    assertThat(router.route(q, all(0.5)).specialist()).contains("mnemosyne");
    Map<String, Double> w = all(0.5);
    w.put("mnemosyne", 0.05);
    assertThat(router.route(q, w).specialist()).isNotEqualTo(java.util.Optional.of("mnemosyne"));
  }

  @Test
  void aLearnedChoiceCannotSendANearMissQueryToASpecialist() {
    String near = "Who won the Champions League in 2012?";
    assertThat(router.admissible(near, 1)).as("the bandit's arms: base model only").isEmpty();
    String fits = "What did I tell you about my sister's wedding last spring?";
    assertThat(router.admissible(fits, 1)).contains("mnemosyne");
  }

  @Test
  void theBanditCannotLiftANearMissQueryWhateverItLearned() {
    String near = "Who won the Champions League in 2012?";
    var store = new io.nyx.learning.MemoryTraitStore(java.time.InstantSource.system());
    FIVE.forEach(s -> store.ensure(s.name(), 0.5, 0.05, 1.0));
    java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");
    for (SpecialistConfig s : FIVE) {
      store.observeCluster(s.name(), 0, new io.nyx.learning.TraitEvidence(100, 100), now);
    }
    store.observeBase(0, new io.nyx.learning.TraitEvidence(0, 100), now);
    var state =
        new io.nyx.learning.ClusterBandit.State(
            store.posteriors(), store.clusterPosteriors(), store.baseClusters(), store.settings());
    var rng = new java.util.SplittableRandom(1);
    for (int i = 0; i < 100; i++) {
      assertThat(
              new io.nyx.learning.ClusterBandit(0)
                  .choose(
                      0, router.admissible(near, 1), java.util.Optional.empty(), state, now, rng))
          .isEmpty();
    }
  }
}
