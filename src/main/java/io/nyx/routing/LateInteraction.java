package io.nyx.routing;

import io.nyx.memory.Encoded;
import io.nyx.memory.TokenVectors;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Token-level matching of a query against a specialist's anchors (late interaction, as in ColBERT):
 * each query word piece finds its most similar token among all the specialist's anchor tokens, and
 * those best cosines are averaged, weighted by how rare the piece is among specialists:
 *
 * <pre>
 *   maxsim_i = sum_j w_j · max_t cos(q_j, t),  t over the tokens of specialist i's anchors
 *   w_j      ∝ idf(piece_j) = ln((S + 1) / (s_j + 1)) + 1,  normalised to sum 1
 * </pre>
 *
 * with S specialists and s_j the number whose anchors contain the piece. A query that shares a
 * telling word ("pin", "refund") with one specialist's exemplars is pulled to it even when the rest
 * of the sentence reads like another's, which a single pooled vector blurs. Only the query's {@link
 * #MAX_QUERY_PIECES} rarest pieces take part (the whole query when shorter, as intent queries are):
 * a 128-token message would otherwise cost 8× a short one, and its centroid already says what it is
 * about. The maxima come from a {@link MaxDot} kernel (the Vector API when {@code
 * jdk.incubator.vector} is present, as the launcher arranges). Immutable and thread-safe.
 */
final class LateInteraction {
  /** The most query pieces matched; longer queries keep their rarest. */
  static final int MAX_QUERY_PIECES = 8;

  /** A query's pieces that take part: their rows and normalised weights. */
  record Query(float[][] rows, double[] weights) {}

  private final MaxDot kernel;
  private final int dim;
  private final float[][] packed; // per specialist: the token rows of all its anchors, packed
  private final int[][] starts; // per specialist: first row of each anchor, then the row count
  private final Map<String, Double> idf;
  private final double unseen;

  private LateInteraction(
      MaxDot kernel,
      int dim,
      float[][] packed,
      int[][] starts,
      Map<String, Double> idf,
      double unseen) {
    this.kernel = kernel;
    this.dim = dim;
    this.packed = packed;
    this.starts = starts;
    this.idf = idf;
    this.unseen = unseen;
  }

  /**
   * Built from every anchor's token vectors; specialist i owns {@code anchors[firstAnchor[i],
   * firstAnchor[i + 1])}. Null when some anchor has none (an embedder without token vectors).
   */
  static @Nullable LateInteraction of(int[] firstAnchor, List<Encoded> anchors) {
    return of(firstAnchor, anchors, MaxDot.best());
  }

  /** As {@link #of(int[], List)} with the given kernel (tests compare kernels). */
  static @Nullable LateInteraction of(int[] firstAnchor, List<Encoded> anchors, MaxDot kernel) {
    if (anchors.isEmpty() || anchors.stream().anyMatch(e -> e.tokens().isEmpty())) {
      return null;
    }
    int dim = anchors.getFirst().tokens().dim();
    int n = firstAnchor.length - 1;
    float[][] packed = new float[n][];
    int[][] starts = new int[n][];
    Map<String, Integer> specialistsWith = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int count = firstAnchor[i + 1] - firstAnchor[i];
      starts[i] = new int[count + 1];
      int total = 0;
      Set<String> pieces = new HashSet<>();
      for (int a = 0; a < count; a++) {
        TokenVectors t = anchors.get(firstAnchor[i] + a).tokens();
        starts[i][a] = total;
        total += t.count();
        pieces.addAll(t.pieces());
      }
      starts[i][count] = total;
      float[][] rows = new float[total][];
      for (int a = 0; a < count; a++) {
        TokenVectors t = anchors.get(firstAnchor[i] + a).tokens();
        for (int k = 0; k < t.count(); k++) {
          rows[starts[i][a] + k] = row(t, k);
        }
      }
      packed[i] = kernel.pack(rows, dim);
      pieces.forEach(p -> specialistsWith.merge(p, 1, Integer::sum));
    }
    Map<String, Double> idf = new HashMap<>();
    specialistsWith.forEach((p, s) -> idf.put(p, Math.log((n + 1.0) / (s + 1)) + 1));
    return new LateInteraction(kernel, dim, packed, starts, idf, Math.log(n + 1.0) + 1);
  }

  private static float[] row(TokenVectors t, int k) {
    return java.util.Arrays.copyOfRange(t.rows(), k * t.dim(), (k + 1) * t.dim());
  }

  /**
   * The pieces of {@code q} that take part, with weights idf normalised to sum 1: all of them, or
   * the {@link #MAX_QUERY_PIECES} rarest (earlier first on ties). Empty for a query without tokens.
   */
  Query query(TokenVectors q) {
    return weighted(q, p -> idf.getOrDefault(p, unseen));
  }

  /**
   * As {@link #query(TokenVectors)}, with the weights the pieces had when only {@code holders(p)}
   * specialists' anchors contained piece p (an earlier state of the anchors).
   */
  Query query(TokenVectors q, ToIntFunction<String> holders) {
    return weighted(q, p -> Math.log((starts.length + 1.0) / (holders.applyAsInt(p) + 1)) + 1);
  }

  private Query weighted(TokenVectors q, ToDoubleFunction<String> idfOf) {
    Integer[] order = new Integer[q.count()];
    double[] idfs = new double[q.count()];
    for (int j = 0; j < order.length; j++) {
      order[j] = j;
      idfs[j] = idfOf.applyAsDouble(q.pieces().get(j));
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(idfs[y], idfs[x]));
    int m = Math.min(order.length, MAX_QUERY_PIECES);
    float[][] r = new float[m][];
    double[] w = new double[m];
    double sum = 0;
    for (int k = 0; k < m; k++) {
      r[k] = row(q, order[k]);
      w[k] = idfs[order[k]];
      sum += w[k];
    }
    for (int k = 0; k < m; k++) {
      w[k] /= sum;
    }
    return new Query(r, w);
  }

  /** maxsim of {@code q} to specialist i. */
  double score(Query q, int i) {
    return score(q, i, -1);
  }

  /** maxsim of {@code q} to specialist i without the tokens of its anchor {@code skip} (or -1). */
  double score(Query q, int i, int skip) {
    return skip < 0 ? score(q, i, 0, 0) : score(q, i, skip, skip + 1);
  }

  /** maxsim of {@code q} to specialist i without the tokens of its anchors [from, to). */
  double score(Query q, int i, int from, int to) {
    int[] s = starts[i];
    int skipFrom = from < to ? s[from] : 0;
    int skipTo = from < to ? s[to] : 0;
    int m = q.rows().length;
    if (m == 0) {
      return 0;
    }
    float[] best = new float[m];
    kernel.maxDots(packed[i], s[s.length - 1], dim, q.rows(), skipFrom, skipTo, best);
    double sum = 0;
    for (int j = 0; j < m; j++) {
      sum += q.weights()[j] * best[j];
    }
    return sum;
  }
}
