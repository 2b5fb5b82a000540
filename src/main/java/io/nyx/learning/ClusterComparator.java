package io.nyx.learning;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The comparator for a learner that sees only a query's cluster and which arms may answer it: the
 * best fixed per-cluster choice, in hindsight. Because the arms that may answer differ from query
 * to query (a specialist that does not fit a query may not take it; the base model always may), a
 * fixed choice is a <i>ranking</i> of the arms per cluster, and each query goes to the
 * highest-ranked arm allowed for it (the "sleeping experts" comparator; with every arm always
 * allowed it is the single best arm per cluster). It sees neither the label (the oracle does) nor
 * time (it is stationary), so it is the strongest policy a per-cluster learner can converge to.
 *
 * <p>Steps are added with the expected reward of every allowed arm; {@link #best} finds, per
 * cluster, the ranking with the largest total by dynamic programming over sets of ranked arms:
 *
 * <pre>
 *   V(S) = max over a not in S of  sum{ r_t(a) : t in cluster, a allowed at t, none of S allowed }
 *                                  + V(S ∪ {a})
 * </pre>
 *
 * exact for clusters of up to {@value #EXACT_ARMS} distinct arms (2^m states), greedy above (the
 * arm with the best mean reward on the steps still open first: a largest-total rule would rank the
 * always-allowed base model first). Not thread-safe.
 */
public final class ClusterComparator {
  static final int EXACT_ARMS = 14;

  private final List<Step> steps = new ArrayList<>();

  /** One step: its cluster and the expected reward of each arm allowed for it (by arm index). */
  private record Step(int cluster, Map<Integer, Double> rewards) {}

  /** Per step, the comparator's expected reward, and whether any cluster needed the greedy rule. */
  public record Best(double[] rewards, boolean greedy) {}

  public void add(int cluster, Map<Integer, Double> allowedRewards) {
    steps.add(new Step(cluster, Map.copyOf(allowedRewards)));
  }

  public Best best() {
    Map<Integer, List<Integer>> byCluster = new HashMap<>();
    for (int t = 0; t < steps.size(); t++) {
      byCluster.computeIfAbsent(steps.get(t).cluster(), c -> new ArrayList<>()).add(t);
    }
    double[] out = new double[steps.size()];
    boolean greedy = false;
    for (List<Integer> idx : byCluster.values()) {
      greedy |= rank(idx, out);
    }
    return new Best(out, greedy);
  }

  /** Ranks the arms of one cluster's steps and writes each step's reward; true when greedy. */
  private boolean rank(List<Integer> idx, double[] out) {
    List<Integer> arms = new ArrayList<>();
    for (int t : idx) {
      steps.get(t).rewards().keySet().stream().filter(a -> !arms.contains(a)).forEach(arms::add);
    }
    arms.sort(null);
    int m = arms.size();
    // step -> bitmask of allowed local arms, reward per local arm
    long[] allowed = new long[idx.size()];
    double[][] r = new double[idx.size()][m];
    for (int i = 0; i < idx.size(); i++) {
      for (Map.Entry<Integer, Double> e : steps.get(idx.get(i)).rewards().entrySet()) {
        int a = arms.indexOf(e.getKey());
        allowed[i] |= 1L << a;
        r[i][a] = e.getValue();
      }
    }
    // Steps with the same allowed set are summed: the search touches each set once.
    Map<Long, double[]> sums = new HashMap<>();
    for (int i = 0; i < idx.size(); i++) {
      double[] sum = sums.computeIfAbsent(allowed[i], k -> new double[m + 1]);
      for (int a = 0; a < m; a++) {
        sum[a] += r[i][a];
      }
      sum[m] += 1; // the last column counts the steps
    }
    long[] masks = sums.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    double[][] totals = new double[masks.length][];
    for (int j = 0; j < masks.length; j++) {
      totals[j] = Objects.requireNonNull(sums.get(masks[j]), "the masks are the keys of sums");
    }
    List<Integer> order = m <= EXACT_ARMS ? exact(masks, totals, m) : greedy(masks, totals, m);
    for (int i = 0; i < idx.size(); i++) {
      for (int a : order) {
        if ((allowed[i] & (1L << a)) != 0) {
          out[idx.get(i)] = r[i][a];
          break;
        }
      }
    }
    return m > EXACT_ARMS;
  }

  private static List<Integer> exact(long[] allowed, double[][] r, int m) {
    int full = 1 << m;
    double[] v = new double[full];
    int[] pick = new int[full];
    for (int set = full - 1; set >= 0; set--) {
      v[set] = 0;
      pick[set] = -1;
      for (int a = 0; a < m; a++) {
        if ((set & (1 << a)) == 0) {
          double g = gain(allowed, r, set, a) + v[set | (1 << a)];
          if (pick[set] < 0 || g > v[set]) {
            v[set] = g;
            pick[set] = a;
          }
        }
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int set = 0; set != full - 1; set |= 1 << pick[set]) {
      order.add(pick[set]);
    }
    return order;
  }

  private static List<Integer> greedy(long[] allowed, double[][] r, int m) {
    List<Integer> order = new ArrayList<>();
    long set = 0;
    while (order.size() < m) {
      int best = -1;
      double bestGain = Double.NEGATIVE_INFINITY;
      for (int a = 0; a < m; a++) {
        double g = (set & (1L << a)) != 0 ? Double.NEGATIVE_INFINITY : mean(allowed, r, set, a);
        if (g > bestGain) {
          best = a;
          bestGain = g;
        }
      }
      order.add(best);
      set |= 1L << best;
    }
    return order;
  }

  /** Mean reward of arm a over the (summed) steps open to it; -1 when none is. */
  private static double mean(long[] allowed, double[][] r, long set, int a) {
    double g = 0;
    double n = 0;
    for (int i = 0; i < allowed.length; i++) {
      if ((allowed[i] & set) == 0 && (allowed[i] & (1L << a)) != 0) {
        g += r[i][a];
        n += r[i][r[i].length - 1];
      }
    }
    return n == 0 ? -1 : g / n;
  }

  /** Reward arm a earns on the steps that no arm of {@code set} takes. */
  private static double gain(long[] allowed, double[][] r, long set, int a) {
    double g = 0;
    for (int i = 0; i < allowed.length; i++) {
      if ((allowed[i] & set) == 0 && (allowed[i] & (1L << a)) != 0) {
        g += r[i][a];
      }
    }
    return g;
  }
}
