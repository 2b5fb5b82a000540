package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Spherical k-means over anchors: deterministic for a seed, and it finds obvious groups. */
class QueryClustersTest {
  /** Six unit rows in 3-d: three near x, three near y. */
  static final float[] ROWS = {
    1f, 0f, 0f, 0.96f, 0.28f, 0f, 0.96f, 0f, 0.28f, 0f, 1f, 0f, 0.28f, 0.96f, 0f, 0f, 0.96f, 0.28f
  };

  @Test
  void twoObviousGroupsAreFoundTheSameWayForASeed() {
    QueryClusters a = QueryClusters.kmeans(null, ROWS, 3, 2, 42);
    QueryClusters b = QueryClusters.kmeans(null, ROWS, 3, 2, 42);
    int x = a.nearest(new float[] {1, 0, 0});
    int y = a.nearest(new float[] {0, 1, 0});
    assertThat(x).isNotEqualTo(y);
    for (int i = 0; i < 6; i++) {
      float[] row = {ROWS[3 * i], ROWS[3 * i + 1], ROWS[3 * i + 2]};
      assertThat(a.nearest(row)).isEqualTo(i < 3 ? x : y).isEqualTo(b.nearest(row));
    }
  }

  @Test
  void kIsCappedByTheAnchorsAndZeroMeansNone() {
    assertThat(QueryClusters.kmeans(null, ROWS, 3, 50, 1).count()).isEqualTo(6);
    assertThat(QueryClusters.kmeans(null, ROWS, 3, 0, 1)).isSameAs(QueryClusters.NONE);
    assertThat(QueryClusters.NONE.of("anything")).isEqualTo(-1);
  }
}
