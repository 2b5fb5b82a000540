package io.nyx.evaluation;

import io.nyx.routing.RouteDecision;

/**
 * Which queries hybrid mode would ask the master about, and how many of those the semantic decision
 * got wrong: the most a master could fix, at the cost of one call per asked query. Found by routing
 * in hybrid mode against a master that fails without I/O (the decision stays semantic, the trigger
 * is recorded).
 */
public record Escalations(double closeRace, double nearThreshold, double wrongShare) {
  public double share() {
    return closeRace + nearThreshold;
  }

  /** Counts hybrid decisions one by one. */
  static final class Tally {
    private int all;
    private int race;
    private int near;
    private int wrong;

    void add(RouteDecision hybrid, String label) {
      String trigger = hybrid.master().trigger();
      all++;
      race += trigger.equals("close_race") ? 1 : 0;
      near += trigger.equals("near_threshold") ? 1 : 0;
      // The decision a failed ask leaves is the semantic one, whatever --master did above.
      String semantic = hybrid.specialist().orElse(RouteEvaluation.NONE);
      wrong += !trigger.isEmpty() && !label.equals(semantic) ? 1 : 0;
    }

    Escalations result() {
      double n = Math.max(1, all);
      int asked = race + near;
      return new Escalations(race / n, near / n, asked == 0 ? 0 : (double) wrong / asked);
    }
  }
}
