package io.nyx.routing;

import java.util.List;
import java.util.Map;

/**
 * The "cell decision": which specialist answers a query. Thread-safe; never does I/O except through
 * collaborators passed at construction (the embedder, the master model).
 */
public interface Router {

  /**
   * @param query the user's text
   * @param traitWeights current trait weight per specialist name, in [0,1]; a missing name means
   *     the specialist's initial weight
   */
  RouteDecision route(String query, Map<String, Double> traitWeights);

  /**
   * The specialists a learned choice may send {@code query} to, whatever the trait weights: those
   * that fit it (similarity at or above the abstain threshold, and within {@code margin} of the
   * best similarity) and are not disabled. Empty for an out-of-scope query, which only the base
   * model may answer.
   */
  List<String> admissible(String query, double margin);

  /**
   * The decision for the last message of a conversation: {@code alone} is {@link #route} of that
   * message, {@code earlier} the conversation's earlier user turns, oldest first. A router that
   * does not follow conversations returns {@code alone}.
   */
  default RouteDecision inConversation(
      List<String> earlier, RouteDecision alone, Map<String, Double> traitWeights) {
    return alone;
  }
}
