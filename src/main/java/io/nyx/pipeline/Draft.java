package io.nyx.pipeline;

import io.nyx.backend.ChatMessage;
import io.nyx.context.ContextItem;
import io.nyx.routing.RouteDecision;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Everything known about a request before the model is called: the decision and the prompt. */
record Draft(UUID id, Instant at, InferenceRequest req, Decision decision, Prompt prompt) {

  RouteDecision route() {
    return decision.route();
  }

  Plan plan() {
    return decision.plan();
  }

  int cluster() {
    return decision.cluster();
  }

  List<ChatMessage> messages() {
    return prompt.messages();
  }

  /** The context items in the prompt: the only ones an answer may cite. */
  List<ContextItem> context() {
    return prompt.kept();
  }
}
