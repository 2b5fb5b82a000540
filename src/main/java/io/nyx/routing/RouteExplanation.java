package io.nyx.routing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A routing decision as plain data — method, confidence, scores (highest first), margin, the fit
 * the abstain threshold was compared with (absent for a forced route), the abstain reason or the
 * forced flag, and the master's verdict — written in this one place, so what a response shows
 * ({@code /infer}, {@code POST /v1/route}, {@code nyx route}) and what the stored row keeps cannot
 * drift apart. Maps of strings, numbers, booleans and maps, in a stable order.
 */
public final class RouteExplanation {
  private RouteExplanation() {}

  public static Map<String, Object> of(RouteDecision d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", d.method().label());
    m.put("confidence", d.confidence());
    m.put("scores", new LinkedHashMap<>(d.scores()));
    m.put("margin", d.margin());
    if (!Double.isNaN(d.fit())) {
      m.put("fit", d.fit());
    }
    switch (d) {
      case RouteDecision.Chosen c -> {}
      case RouteDecision.Abstained a -> m.put("abstain_reason", a.reason());
      case RouteDecision.Forced f -> m.put("forced", true);
    }
    m.put("master", master(d.master()));
    return m;
  }

  private static Map<String, Object> master(MasterVerdict v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("asked", v.asked());
    m.put("outcome", v.outcome());
    if (v.choice() != null) {
      m.put("choice", v.choice());
      m.put("confidence", v.confidence());
    }
    if (!v.detail().isEmpty()) {
      m.put("detail", v.detail());
    }
    if (!v.trigger().isEmpty()) {
      m.put("trigger", v.trigger());
    }
    return m;
  }
}
