package io.nyx.pipeline;

import io.nyx.context.time.TimeReading;
import io.nyx.safety.RiskAssessment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the pre-generation checks found, for the stored row: Kairos's reading, the input risk, the
 * route that safety overrode ("" = none) and what the token budget dropped.
 */
record Screening(
    TimeReading time, RiskAssessment input, String overridden, List<Map<String, Object>> dropped) {

  boolean forcedBySafety() {
    return !overridden.isEmpty();
  }

  /** Added to the row's route JSON. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("urgency", time.urgency().label());
    m.put("urgency_evidence", time.evidence());
    m.put("latency_budget_ms", time.urgency().budgetMs());
    m.put("risk", input.toMap());
    if (forcedBySafety()) {
      m.put("overridden_method", overridden);
    }
    return m;
  }
}
