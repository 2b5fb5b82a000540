package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.context.ContextItem;
import io.nyx.learning.TraitWeight;
import io.nyx.pipeline.FeedbackService;
import io.nyx.pipeline.InferenceResult;
import io.nyx.routing.RouteDecision;

/** JSON shapes shared by several endpoints. */
final class Responses {
  private Responses() {}

  static ObjectNode route(RouteDecision d) {
    return RouteJson.of(d);
  }

  static ObjectNode infer(InferenceResult r) {
    ObjectNode o = Json.object();
    o.put("id", r.id().toString());
    o.put("specialist", r.specialist());
    o.put("adapter", r.model());
    o.put("adapter_version", r.adapterVersion());
    o.set("route", route(r.route()));
    o.put("answer", r.answer());
    o.put("finish_reason", r.finishReason());
    o.put("confidence", r.confidence());
    o.put("reward", r.reward().value());
    ObjectNode usage = o.putObject("usage");
    usage.put("prompt_tokens", r.usage().promptTokens());
    usage.put("completion_tokens", r.usage().completionTokens());
    o.put("latency_ms", r.latencyMs());
    var cited = o.putArray("context");
    for (ContextItem item : r.context()) {
      cited.add(contextItem(item));
    }
    if (!r.checks().isEmpty()) {
      o.set("checks", Json.MAPPER.valueToTree(r.checks()));
    }
    if (!r.fallback().isEmpty()) {
      o.put("fallback", r.fallback());
    }
    if (r.predictionId().isPresent()) {
      // Moira recorded a prediction from the answer: its outcome is told to POST
      // /predictions/{id}/outcome.
      o.put("prediction_id", r.predictionId().getAsLong());
    }
    if (!r.contextIncomplete().isEmpty()) {
      // The answer was given without these context sources: they failed (logged and counted).
      o.set("context_incomplete", Json.MAPPER.valueToTree(r.contextIncomplete()));
    }
    return o;
  }

  private static ObjectNode contextItem(ContextItem item) {
    ObjectNode o = Json.object();
    o.put("kind", item.kind());
    switch (item) {
      case ContextItem.MemoryItem m -> o.put("id", m.id()).put("score", m.score());
      case ContextItem.FactItem f -> o.put("id", f.id());
      case ContextItem.TimeItem t -> o.put("text", t.text());
      case ContextItem.GuidanceItem g -> o.put("text", g.text());
    }
    return o;
  }

  static ObjectNode trait(TraitWeight w) {
    ObjectNode o = Json.object();
    o.put("name", w.name());
    o.put("weight", w.weight());
    o.put("min", w.min());
    o.put("max", w.max());
    o.put("updated_at", w.updatedAt().toString());
    return o;
  }

  /** A rating's effect: the answer's new reward and its specialist's trait, if one was told. */
  static ObjectNode outcome(FeedbackService.Outcome out) {
    ObjectNode o = Json.object();
    o.put("query_id", out.queryId().toString());
    o.put("reward", out.reward());
    if (out.trait().isPresent()) {
      o.set("trait", trait(out.trait().get()));
    } else {
      o.putNull("trait");
    }
    return o;
  }
}
