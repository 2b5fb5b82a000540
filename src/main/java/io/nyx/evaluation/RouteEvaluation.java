package io.nyx.evaluation;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Figures of a labeled routing run. Labels and predictions are specialist names or {@link #NONE}
 * (out of scope / abstained). Abstention is scored as a detector of out-of-scope queries: precision
 * = abstained and out-of-scope / abstained, recall = abstained and out-of-scope / out-of-scope.
 * Macro-F1 averages per-class F1 over every class that occurs as a label or a prediction, {@code
 * none} included. Latency percentiles are nearest-rank.
 *
 * @param classes every class, sorted, {@code none} last
 * @param confusion confusion[label][prediction] counts, indexed like {@code classes}
 */
public record RouteEvaluation(
    List<String> classes,
    long[][] confusion,
    int total,
    int inScope,
    int outOfScope,
    double accuracy,
    double inScopeAccuracy,
    double macroF1,
    double abstainPrecision,
    double abstainRecall,
    double wronglyAbstained,
    double p50Ms,
    double p90Ms,
    double p99Ms) {

  public static final String NONE = "none";

  /**
   * @param latenciesNs one per query, in nanoseconds
   */
  public static RouteEvaluation of(
      List<String> labels, List<String> predictions, long[] latenciesNs) {
    TreeSet<String> set = new TreeSet<>(labels);
    set.addAll(predictions);
    set.remove(NONE);
    List<String> classes = new java.util.ArrayList<>(set);
    classes.add(NONE);
    Map<String, Integer> index = new TreeMap<>();
    for (int i = 0; i < classes.size(); i++) {
      index.put(classes.get(i), i);
    }
    long[][] m = new long[classes.size()][classes.size()];
    for (int i = 0; i < labels.size(); i++) {
      m[at(index, labels.get(i))][at(index, predictions.get(i))]++;
    }
    return from(classes, m, latenciesNs);
  }

  private static int at(Map<String, Integer> index, String name) {
    return Objects.requireNonNull(index.get(name), "the classes are every label and prediction");
  }

  private static RouteEvaluation from(List<String> classes, long[][] m, long[] latenciesNs) {
    int n = classes.size();
    int none = n - 1;
    long total = 0;
    long correct = 0;
    long inScope = 0;
    long inScopeCorrect = 0;
    long wrongAbstain = 0;
    for (int l = 0; l < n; l++) {
      for (int p = 0; p < n; p++) {
        total += m[l][p];
        correct += l == p ? m[l][p] : 0;
        if (l != none) {
          inScope += m[l][p];
          inScopeCorrect += l == p ? m[l][p] : 0;
          wrongAbstain += p == none ? m[l][p] : 0;
        }
      }
    }
    long oos = total - inScope;
    long abstained = column(m, none);
    long[] sorted = latenciesNs.clone();
    Arrays.sort(sorted);
    return new RouteEvaluation(
        List.copyOf(classes),
        m,
        (int) total,
        (int) inScope,
        (int) oos,
        ratio(correct, total),
        ratio(inScopeCorrect, inScope),
        macroF1(m),
        ratio(m[none][none], abstained),
        ratio(m[none][none], oos),
        ratio(wrongAbstain, inScope),
        percentileMs(sorted, 0.50),
        percentileMs(sorted, 0.90),
        percentileMs(sorted, 0.99));
  }

  private static double macroF1(long[][] m) {
    double sum = 0;
    int classes = 0;
    for (int c = 0; c < m.length; c++) {
      long tp = m[c][c];
      long labeled = Arrays.stream(m[c]).sum();
      long predicted = column(m, c);
      if (labeled + predicted == 0) {
        continue;
      }
      sum += 2.0 * tp / (labeled + predicted);
      classes++;
    }
    return classes == 0 ? 0 : sum / classes;
  }

  private static long column(long[][] m, int c) {
    long s = 0;
    for (long[] row : m) {
      s += row[c];
    }
    return s;
  }

  private static double ratio(long a, long b) {
    return b == 0 ? 0 : (double) a / b;
  }

  private static double percentileMs(long[] sortedNs, double q) {
    if (sortedNs.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sortedNs.length) - 1;
    return sortedNs[Math.max(0, rank)] / 1e6;
  }
}
