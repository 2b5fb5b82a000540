package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The best fixed per-cluster ranking, checked by hand. */
class ClusterComparatorTest {
  @Test
  void theBestRankingBeatsTheBestSingleArmWhenArmsSleep() {
    // Arms 0, 1; 9 is the base model, allowed everywhere. Cluster 0:
    //   2 steps {0: 0.9, 9: 0.5},  1 step {1: 0.8, 9: 0.5},  1 step {0: 0.2, 1: 0.7, 9: 0.5}
    // Ranking 1 > 0 > 9 gives 0.9 + 0.9 + 0.8 + 0.7 = 3.3, the best (0 > 1 > 9 gives 2.8).
    ClusterComparator c = new ClusterComparator();
    c.add(0, Map.of(0, 0.9, 9, 0.5));
    c.add(0, Map.of(1, 0.8, 9, 0.5));
    c.add(0, Map.of(0, 0.2, 1, 0.7, 9, 0.5));
    c.add(0, Map.of(0, 0.9, 9, 0.5));
    // Cluster 1: the base model beats arm 0 where both may answer.
    c.add(1, Map.of(0, 0.3, 9, 0.6));
    ClusterComparator.Best b = c.best();
    assertThat(b.rewards()).containsExactly(0.9, 0.8, 0.7, 0.9, 0.6);
    assertThat(b.greedy()).isFalse();
  }

  @Test
  void manyArmsInAClusterFallBackToTheGreedyRanking() {
    ClusterComparator c = new ClusterComparator();
    for (int a = 0; a <= ClusterComparator.EXACT_ARMS; a++) {
      c.add(0, Map.of(a, 0.1 * (a % 10), 99, 0.45));
    }
    ClusterComparator.Best b = c.best();
    assertThat(b.greedy()).isTrue();
    assertThat(b.rewards()[9]).isEqualTo(0.9);
    assertThat(b.rewards()[0]).as("arm 0 earns 0, the base model 0.45").isEqualTo(0.45);
  }
}
