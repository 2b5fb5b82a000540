package io.nyx.routing;

import io.nyx.memory.Embedder;
import io.nyx.memory.VectorMath;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Kinds of query, for learning per (specialist, kind): a query belongs to the cluster whose unit
 * centroid it is most similar to (cosine). The centroids are spherical k-means over the router's
 * anchors (descriptions and exemplars): k-means++ seeding from a fixed seed, then {@value #ROUNDS}
 * rounds of assign-and-average, so the same anchors always give the same clusters, on every replica
 * and across restarts. {@link #NONE} puts every query in cluster −1.
 *
 * <p>Thread-safe and immutable. {@link #of} embeds the query; behind a caching embedder, the
 * router's embedding of the same text is then a cache hit.
 */
public final class QueryClusters {
  public static final QueryClusters NONE = new QueryClusters(null, new float[0], 0, 0);

  static final int ROUNDS = 25;

  private final @Nullable Embedder embedder;
  private final float[] centroids; // (k, dim), unit rows
  private final int k;
  private final int dim;

  private QueryClusters(@Nullable Embedder embedder, float[] centroids, int k, int dim) {
    this.embedder = embedder;
    this.centroids = centroids;
    this.k = k;
    this.dim = dim;
  }

  /** How many clusters there are; 0 for {@link #NONE}. */
  public int count() {
    return k;
  }

  /** The cluster of {@code query}, in [0, count), or −1 when there are no clusters. */
  public int of(String query) {
    Embedder e = embedder;
    if (e == null || k == 0 || query.isBlank()) {
      return -1;
    }
    return nearest(e.embed(query));
  }

  int nearest(float[] q) {
    int best = 0;
    double bestDot = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      double d = VectorMath.dot(q, 0, centroids, c * dim, dim);
      if (d > bestDot) {
        best = c;
        bestDot = d;
      }
    }
    return best;
  }

  /**
   * Spherical k-means of {@code rows} ((n, dim), unit rows); k is capped at n.
   *
   * @param seed fixes the k-means++ seeding, so the result is deterministic
   */
  static QueryClusters kmeans(
      @Nullable Embedder embedder, float[] rows, int dim, int k, long seed) {
    int n = rows.length / dim;
    int kk = Math.min(k, n);
    if (kk <= 0) {
      return NONE;
    }
    float[] c = seed(rows, n, dim, kk, new SplittableRandom(seed));
    QueryClusters q = new QueryClusters(embedder, c, kk, dim);
    for (int round = 0; round < ROUNDS; round++) {
      int[] assign = new int[n];
      for (int i = 0; i < n; i++) {
        assign[i] = q.nearest(row(rows, i, dim));
      }
      float[] next = new float[kk * dim];
      for (int i = 0; i < n; i++) {
        for (int d = 0; d < dim; d++) {
          next[assign[i] * dim + d] += rows[i * dim + d];
        }
      }
      for (int j = 0; j < kk; j++) {
        if (!VectorMath.normalize(next, j * dim, dim)) {
          System.arraycopy(c, j * dim, next, j * dim, dim); // an empty cluster keeps its centroid
        }
      }
      c = next;
      q = new QueryClusters(embedder, c, kk, dim);
    }
    return q;
  }

  /** k-means++: each next seed drawn with probability proportional to its distance² (2 − 2cos). */
  private static float[] seed(float[] rows, int n, int dim, int k, SplittableRandom rng) {
    float[] c = new float[k * dim];
    System.arraycopy(rows, rng.nextInt(n) * dim, c, 0, dim);
    double[] dist = new double[n];
    java.util.Arrays.fill(dist, Double.POSITIVE_INFINITY);
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (int i = 0; i < n; i++) {
        double d = Math.max(0, 2 - 2 * VectorMath.dot(rows, i * dim, c, (j - 1) * dim, dim));
        dist[i] = Math.min(dist[i], d);
        total += dist[i];
      }
      int pick = 0;
      double r = rng.nextDouble() * total;
      for (double acc = dist[0]; acc < r && pick < n - 1; acc += dist[++pick]) {
        // walk to the row whose cumulative distance passes r
      }
      System.arraycopy(rows, pick * dim, c, j * dim, dim);
    }
    return c;
  }

  private static float[] row(float[] rows, int i, int dim) {
    float[] r = new float[dim];
    System.arraycopy(rows, i * dim, r, 0, dim);
    return r;
  }
}
