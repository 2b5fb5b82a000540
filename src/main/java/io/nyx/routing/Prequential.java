package io.nyx.routing;

import io.nyx.memory.Encoded;
import io.nyx.memory.VectorMath;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Scores learned exemplars as the questions they were when they came: a learned exemplar that
 * arrived n-th is routed against the operator's anchors and the learned ones that arrived before
 * it, every specialist's, none after (the prequential score of online conformal prediction). Each
 * specialist's learned rows are kept oldest first, so "before it" is a prefix of every specialist's
 * rows: a per-specialist cut, with centroids from running sums. The similarity is the router's
 * ({@link SemanticRouter}): centroid cosine blended with the token match of the {@link
 * SemanticRouter#CANDIDATES} nearest specialists, or the top-k/centroid blend without token
 * vectors; the token weights (idf) are those of the anchors that were there too. Not thread-safe;
 * one per calibration.
 */
final class Prequential {
  private final float[] anchors;
  private final int dim;
  private final int[] firstAnchor;
  private final int[] firstLearned;
  private final int[][] arrivals; // per specialist, its learned rows' arrival numbers, increasing
  private final @Nullable LateInteraction late;
  private final double tokenWeight;
  private final int topK;
  private final double centroidWeight;
  private final float[] running; // row r: sum of its specialist's rows up to r, inclusive
  private final double[] runningNorm; // row r: the length of running's row r
  // word piece -> per specialist, the first of its anchors whose tokens hold it (MAX_VALUE: none)
  private final Map<String, int[]> firstHolding = new HashMap<>();

  /**
   * @param anchors (anchor count, dim), unit rows, grouped by specialist as in the router's index
   * @param arrivals per specialist, the arrival number of each of its learned rows (increasing)
   * @param encoded per specialist, its anchors in row order (their word pieces weigh the tokens)
   */
  Prequential(
      float[] anchors,
      int dim,
      int[] firstAnchor,
      int[] firstLearned,
      int[][] arrivals,
      List<List<Encoded>> encoded,
      @Nullable LateInteraction late,
      double tokenWeight,
      int topK,
      double centroidWeight) {
    this.anchors = anchors;
    this.dim = dim;
    this.firstAnchor = firstAnchor;
    this.firstLearned = firstLearned;
    this.arrivals = arrivals;
    this.late = late;
    this.tokenWeight = tokenWeight;
    this.topK = topK;
    this.centroidWeight = centroidWeight;
    this.running = new float[anchors.length];
    int n = firstAnchor.length - 1;
    for (int i = 0; i < n && late != null; i++) {
      for (int a = 0; a < encoded.get(i).size(); a++) {
        for (String piece : encoded.get(i).get(a).tokens().pieces()) {
          int[] first = firstHolding.computeIfAbsent(piece, k -> newFirsts(n));
          first[i] = Math.min(first[i], a);
        }
      }
    }
    this.runningNorm = new double[firstAnchor[n]];
    for (int i = 0; i < n; i++) {
      for (int row = firstAnchor[i]; row < firstAnchor[i + 1]; row++) {
        for (int d = 0; d < dim; d++) {
          float before = row > firstAnchor[i] ? running[(row - 1) * dim + d] : 0;
          running[row * dim + d] = before + anchors[row * dim + d];
        }
        runningNorm[row] =
            Math.sqrt(VectorMath.fastDot(running, row * dim, running, row * dim, dim));
      }
    }
  }

  /**
   * The best fit at the neutral prior of {@code query} (the learned exemplar that arrived {@code
   * arrival}-th) against the anchors that were there before it.
   */
  double fit(Encoded query, int arrival) {
    int n = firstAnchor.length - 1;
    int[] cut = new int[n];
    double[] cos = new double[n];
    float[] q = query.vector();
    for (int i = 0; i < n; i++) {
      int before = Arrays.binarySearch(arrivals[i], arrival);
      cut[i] = firstLearned[i] + (before >= 0 ? before : -before - 1);
      cos[i] = cut[i] > firstAnchor[i] ? centroidCosine(q, cut[i] - 1) : -1;
    }
    double[] sim = similarities(query, cut, cos);
    double best = 0;
    for (int i = 0; i < n; i++) {
      if (cut[i] > firstAnchor[i]) {
        best = Math.max(best, sim[i]);
      }
    }
    return best;
  }

  private double[] similarities(Encoded query, int[] cut, double[] cos) {
    int n = cos.length;
    double[] sim = new double[n];
    if (late != null) {
      if (query.tokens().isEmpty()) {
        return cos;
      }
      LateInteraction.Query lq = late.query(query.tokens(), piece -> holders(piece, cut));
      boolean[] candidate = SemanticRouter.nearest(cos, SemanticRouter.CANDIDATES);
      for (int i = 0; i < n; i++) {
        int rows = firstAnchor[i + 1] - firstAnchor[i];
        double tokens = candidate[i] ? late.score(lq, i, cut[i] - firstAnchor[i], rows) : 0;
        sim[i] = (1 - tokenWeight) * cos[i] + tokenWeight * tokens;
      }
      return sim;
    }
    double[] top = new double[topK];
    for (int i = 0; i < n; i++) {
      if (cut[i] > firstAnchor[i]) {
        int count = 0;
        for (int row = firstAnchor[i]; row < cut[i]; row++) {
          count = SemanticRouter.insert(top, count, dot(query.vector(), anchors, row));
        }
        double sum = 0;
        for (int j = 0; j < count; j++) {
          sum += top[j];
        }
        sim[i] = (1 - centroidWeight) * (sum / count) + centroidWeight * cos[i];
      }
    }
    return sim;
  }

  /** How many specialists' anchors up to their cuts hold {@code piece}. */
  private int holders(String piece, int[] cut) {
    int[] first = firstHolding.get(piece);
    int count = 0;
    for (int i = 0; first != null && i < first.length; i++) {
      count += first[i] < cut[i] - firstAnchor[i] ? 1 : 0;
    }
    return count;
  }

  private static int[] newFirsts(int n) {
    int[] none = new int[n];
    Arrays.fill(none, Integer.MAX_VALUE);
    return none;
  }

  /** Cosine of q to the centroid of its specialist's rows up to {@code last}, inclusive. */
  private double centroidCosine(float[] q, int last) {
    double norm = runningNorm[last];
    return norm == 0 ? 0 : dot(q, running, last) / norm;
  }

  private double dot(float[] q, float[] matrix, int row) {
    return VectorMath.fastDot(q, 0, matrix, row * dim, dim);
  }
}
