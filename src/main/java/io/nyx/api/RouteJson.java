package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.RouteExplanation;

/**
 * A routing decision as JSON, the same in {@code /infer}, {@code POST /v1/route} and {@code nyx
 * route}: {@link RouteExplanation}, which the stored row uses too.
 */
public final class RouteJson {
  private RouteJson() {}

  public static ObjectNode of(RouteDecision d) {
    return Json.MAPPER.valueToTree(RouteExplanation.of(d));
  }
}
