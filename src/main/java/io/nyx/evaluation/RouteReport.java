package io.nyx.evaluation;

import io.nyx.routing.PolicyRouter;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.SemanticRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A labeled routing run ({@code nyx eval-route}): the figures plus the baselines, ready to print.
 *
 * @param threshold the router's abstain threshold
 * @param routerTop1 in-scope top-1 accuracy of the router's own scores, without abstention
 * @param centroidTop1 in-scope top-1 accuracy of cosine to the exemplar centroid (the baseline)
 */
public record RouteReport(
    RouteEvaluation eval,
    double threshold,
    double routerTop1,
    double centroidTop1,
    Escalations escalations) {
  private static final int WARMUP = 20;

  /**
   * Routes the labeled queries one at a time, timing {@code router}, after {@value #WARMUP} untimed
   * ones.
   *
   * @param hybrid the router in hybrid mode against a master that fails without I/O, for {@link
   *     Escalations}
   * @param centroid the baseline: centroid cosine only, no token matching, no abstention
   * @param weights the trait weights every route uses
   */
  public static RouteReport measure(
      PolicyRouter router,
      PolicyRouter hybrid,
      SemanticRouter centroid,
      Map<String, Double> weights,
      List<Labeled> data) {
    List<String> texts = data.stream().map(Labeled::text).toList();
    List<String> labels = data.stream().map(Labeled::label).toList();
    texts.stream().limit(WARMUP).forEach(t -> router.route(t, weights));
    List<String> predictions = new ArrayList<>();
    List<String> routerTop = new ArrayList<>();
    List<String> centroidTop = new ArrayList<>();
    Escalations.Tally escalations = new Escalations.Tally();
    long[] latencies = new long[texts.size()];
    for (int i = 0; i < texts.size(); i++) {
      long t0 = System.nanoTime();
      RouteDecision d = router.route(texts.get(i), weights);
      latencies[i] = System.nanoTime() - t0;
      predictions.add(d.specialist().orElse(RouteEvaluation.NONE));
      routerTop.add(d.scores().keySet().iterator().next());
      escalations.add(hybrid.route(texts.get(i), weights), labels.get(i));
      centroidTop.add(centroid.route(texts.get(i), weights).scores().keySet().iterator().next());
    }
    return new RouteReport(
        RouteEvaluation.of(labels, predictions, latencies),
        router.semantic().threshold(),
        top1(labels, routerTop),
        top1(labels, centroidTop),
        escalations.result());
  }

  public String text() {
    RouteEvaluation e = eval;
    StringBuilder b = new StringBuilder();
    b.append(
        f(
            "queries %d (in scope %d, out of scope %d), threshold %.3f%n",
            e.total(), e.inScope(), e.outOfScope(), threshold));
    b.append(f("accuracy           %.3f  (none counts as a class)%n", e.accuracy()));
    b.append(f("in-scope accuracy  %.3f  (abstaining counts as wrong)%n", e.inScopeAccuracy()));
    b.append(f("macro-F1           %.3f%n", e.macroF1()));
    b.append(f("abstain precision  %.3f%n", e.abstainPrecision()));
    b.append(f("abstain recall     %.3f  (out-of-scope recall)%n", e.abstainRecall()));
    b.append(f("wrongly abstained  %.3f  (of in-scope queries)%n", e.wronglyAbstained()));
    b.append(f("top-1 in scope     %.3f  router scores, no abstention%n", routerTop1));
    b.append(f("baseline top-1     %.3f  cosine to exemplar centroid%n", centroidTop1));
    b.append(
        f("latency ms         p50 %.2f  p90 %.2f  p99 %.2f%n", e.p50Ms(), e.p90Ms(), e.p99Ms()));
    Escalations x = escalations;
    b.append(
        f(
            "hybrid would ask   %.3f of queries (close race %.3f, near threshold %.3f); %.2f of"
                + " those decided wrong here%n",
            x.share(), x.closeRace(), x.nearThreshold(), x.wrongShare()));
    b.append("confusion (row = label, columns = predictions with counts):\n");
    for (int l = 0; l < e.classes().size(); l++) {
      b.append("  ").append(e.classes().get(l)).append(':');
      for (int p = 0; p < e.classes().size(); p++) {
        if (e.confusion()[l][p] > 0) {
          b.append(' ').append(e.classes().get(p)).append('=').append(e.confusion()[l][p]);
        }
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static double top1(List<String> labels, List<String> predicted) {
    int n = 0;
    int ok = 0;
    for (int i = 0; i < labels.size(); i++) {
      if (!labels.get(i).equals(RouteEvaluation.NONE)) {
        n++;
        ok += labels.get(i).equals(predicted.get(i)) ? 1 : 0;
      }
    }
    return n == 0 ? 0 : (double) ok / n;
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
