package io.nyx.evaluation;

import io.nyx.routing.ExemplarLearning;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.SemanticRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Accuracy against the number of feedback events: a labeled stream (in-scope queries, in an order
 * drawn from {@code rng}) is replayed through the router as users would send it, each query
 * followed by one feedback event — good feedback when it was routed to its label (evidence for that
 * route), a "should have gone to" correction when it was not. After every {@code every} events the
 * held-out split is routed and scored. The stream and the held-out split never share a query, so
 * the curve measures generalisation, not memory. Learned exemplars may lower the abstention
 * threshold ({@link SemanticRouter}), so each point also gives the threshold and the share of the
 * held-out split's out-of-scope queries still abstained on.
 */
public final class ExemplarCurve {
  private ExemplarCurve() {}

  /**
   * One measured point.
   *
   * @param events feedback events so far
   * @param learned learned exemplars in use after them
   * @param inScopeAccuracy on the held-out split, a wrong abstention counted as an error
   * @param outOfScopeRecall share of its out-of-scope queries abstained on (NaN without any)
   * @param threshold the abstention threshold in use at that point
   */
  public record Point(
      int events,
      int learned,
      double inScopeAccuracy,
      double wronglyAbstained,
      double outOfScopeRecall,
      double threshold) {}

  public static List<Point> replay(
      SemanticRouter router,
      ExemplarLearning learning,
      List<Labeled> stream,
      List<Labeled> heldOut,
      int events,
      int every,
      RandomGenerator rng) {
    List<Labeled> order = new ArrayList<>(inScope(stream));
    for (int i = order.size() - 1; i > 0; i--) { // Fisher–Yates with the injected generator
      java.util.Collections.swap(order, i, rng.nextInt(i + 1));
    }
    List<Point> points = new ArrayList<>();
    points.add(measure(router, learning, heldOut, 0));
    for (int n = 1; n <= Math.min(events, order.size()); n++) {
      Labeled q = order.get(n - 1);
      RouteDecision d = router.route(q.text(), Map.of());
      if (d.specialist().filter(q.label()::equals).isPresent()) {
        learning.rated(q.label(), q.text(), 1, null, "replay");
      } else {
        learning.correct(q.label(), q.text(), null, "replay");
      }
      if (n % every == 0) {
        points.add(measure(router, learning, heldOut, n));
      }
    }
    return points;
  }

  private static Point measure(
      SemanticRouter router, ExemplarLearning learning, List<Labeled> test, int events) {
    List<RouteDecision> ds = router.routeAll(test.stream().map(Labeled::text).toList(), Map.of());
    int right = 0;
    int abstained = 0;
    int outside = 0;
    int caught = 0;
    for (int i = 0; i < test.size(); i++) {
      String got = ds.get(i).specialist().orElse(RouteEvaluation.NONE);
      boolean none = got.equals(RouteEvaluation.NONE);
      if (test.get(i).label().equals(RouteEvaluation.NONE)) {
        outside++;
        caught += none ? 1 : 0;
      } else {
        right += got.equals(test.get(i).label()) ? 1 : 0;
        abstained += none ? 1 : 0;
      }
    }
    int inside = test.size() - outside;
    return new Point(
        events,
        learning.list().size(),
        (double) right / inside,
        (double) abstained / inside,
        outside == 0 ? Double.NaN : (double) caught / outside,
        router.threshold());
  }

  private static List<Labeled> inScope(List<Labeled> set) {
    return set.stream().filter(l -> !l.label().equals(RouteEvaluation.NONE)).toList();
  }

  public static String text(List<Point> points) {
    StringBuilder b =
        new StringBuilder(
            "events  learned  in-scope accuracy  wrongly abstained  out-of-scope recall"
                + "  threshold\n");
    for (Point p : points) {
      b.append(
          String.format(
              Locale.ROOT,
              "%6d  %7d  %17.3f  %17.3f  %19.3f  %9.3f%n",
              p.events(),
              p.learned(),
              p.inScopeAccuracy(),
              p.wronglyAbstained(),
              p.outOfScopeRecall(),
              p.threshold()));
    }
    return b.toString();
  }
}
