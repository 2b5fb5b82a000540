package io.nyx.pipeline;

import io.nyx.context.time.TimeReading;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.RouteMethod;
import io.nyx.safety.RiskAssessment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link RouteStage} decided, with what it read on the way: Kairos's reading of the question,
 * the question's risk screen, what routing said, the query's bandit context ({@code cluster}, −1
 * for none), who answers ({@code plan}, after the bandit, exploration or the safety override) and
 * how that was decided ({@code method}: the route's, or {@link RouteMethod#SAFETY} when the risk
 * screen took the question over).
 */
record Decision(
    TimeReading time,
    RiskAssessment risk,
    RouteDecision route,
    int cluster,
    Plan plan,
    RouteMethod method) {

  boolean safetyOverride() {
    return method == RouteMethod.SAFETY;
  }

  /** The pre-generation readings the stored row's route explanation adds. */
  Map<String, Object> readings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("urgency", time.urgency().label());
    m.put("urgency_evidence", time.evidence());
    m.put("latency_budget_ms", time.urgency().budgetMs());
    m.put("risk", risk.toMap());
    if (safetyOverride()) {
      m.put("overridden_method", route.method().label());
    }
    return m;
  }
}
