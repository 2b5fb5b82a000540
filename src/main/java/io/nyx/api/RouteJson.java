package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.routing.MasterVerdict;
import io.nyx.routing.RouteDecision;
import java.util.Map;

/**
 * A routing decision as JSON — method, confidence, scores (highest first), margin, abstain reason
 * or forced flag, and the master's verdict — the same in {@code /infer}, {@code POST /v1/route} and
 * {@code nyx route}.
 */
public final class RouteJson {
  private RouteJson() {}

  public static ObjectNode of(RouteDecision d) {
    ObjectNode o = Json.object();
    o.put("method", d.method());
    o.put("confidence", d.confidence());
    ObjectNode scores = o.putObject("scores");
    for (Map.Entry<String, Double> e : d.scores().entrySet()) {
      scores.put(e.getKey(), e.getValue());
    }
    o.put("margin", d.margin());
    switch (d) {
      case RouteDecision.Chosen c -> {}
      case RouteDecision.Abstained a -> o.put("abstain_reason", a.reason());
      case RouteDecision.Forced f -> o.put("forced", true);
    }
    o.set("master", master(d.master()));
    return o;
  }

  static ObjectNode master(MasterVerdict v) {
    ObjectNode o = Json.object();
    o.put("asked", v.asked());
    o.put("outcome", v.outcome());
    if (v.choice() != null) {
      o.put("choice", v.choice());
      o.put("confidence", v.confidence());
    }
    if (!v.detail().isEmpty()) {
      o.put("detail", v.detail());
    }
    if (!v.trigger().isEmpty()) {
      o.put("trigger", v.trigger());
    }
    return o;
  }
}
