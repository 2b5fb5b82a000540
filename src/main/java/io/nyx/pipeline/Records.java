package io.nyx.pipeline;

import io.nyx.backend.ChatResult;
import io.nyx.context.ContextItem;
import io.nyx.routing.RouteExplanation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the stored row for an answered or failed request. */
final class Records {

  QueryRecord answered(Draft d, GenerateStage.Answer answer, Scored scored) {
    ChatResult r = answer.timed().result();
    Map<String, Object> route = route(d);
    if (!scored.checks().isEmpty()) {
      route.put("checks", scored.checks());
    }
    route.put("attempts", answer.timed().attempts());
    if (!answer.fallback().isEmpty()) {
      route.put("fallback", answer.fallback());
    }
    route.put("reward_components", scored.reward().components());
    route.put(RewardInputs.KEY, RewardInputs.toMap(scored.signals()));
    return new QueryRecord(
        d.id(),
        d.at(),
        d.req().sessionId(),
        d.req().query(),
        d.plan().specialist(),
        answer.used().model(),
        d.decision().method().label(),
        d.route().confidence(),
        route,
        d.messages(),
        decoding(d.plan()),
        context(d),
        r.content(),
        r.finishReason(),
        scored.confidence(),
        scored.reward().value(),
        r.usage().promptTokens(),
        r.usage().completionTokens(),
        scored.signals().latencyMs(),
        answer.timed().millis(),
        "ok",
        null,
        d.req().caller().tenant(),
        d.req().caller().keyName(),
        // The plan's version, or none when the base model answered in the adapter's place.
        answer.used().adapterVersion());
  }

  QueryRecord failed(Draft d, String status, String error, long latencyMs) {
    return new QueryRecord(
        d.id(),
        d.at(),
        d.req().sessionId(),
        d.req().query(),
        d.plan().specialist(),
        d.plan().model(),
        d.decision().method().label(),
        d.route().confidence(),
        route(d),
        d.messages(),
        decoding(d.plan()),
        context(d),
        null,
        null,
        0,
        -1,
        0,
        0,
        latencyMs,
        0,
        status,
        error,
        d.req().caller().tenant(),
        d.req().caller().keyName(),
        d.plan().adapterVersion());
  }

  /**
   * The route explanation a response shows, with the method that answered (safety, when the screen
   * overrode routing), the cluster, the pre-generation readings and any context that failed.
   */
  private static Map<String, Object> route(Draft d) {
    Map<String, Object> m = RouteExplanation.of(d.route());
    m.put("method", d.decision().method().label());
    if (d.cluster() >= 0) {
      m.put("cluster", d.cluster());
    }
    m.putAll(d.decision().readings());
    if (!d.prompt().incomplete().isEmpty()) {
      m.put("context_incomplete", d.prompt().incomplete());
    }
    return m;
  }

  private static Map<String, Object> context(Draft d) {
    Map<String, Object> m = new LinkedHashMap<>(context(d.context()));
    m.put("dropped", d.prompt().dropped());
    return m;
  }

  private static Map<String, Object> decoding(Plan plan) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("temperature", plan.decoding().temperature());
    m.put("top_p", plan.decoding().topP());
    m.put("max_tokens", plan.decoding().maxTokens());
    return m;
  }

  static Map<String, Object> context(List<ContextItem> items) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (ContextItem item : items) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", item.kind());
      switch (item) {
        case ContextItem.MemoryItem mem -> {
          m.put("id", mem.id());
          m.put("score", mem.score());
        }
        case ContextItem.FactItem f -> m.put("id", f.id());
        case ContextItem.TimeItem t -> m.put("text", t.text());
        case ContextItem.GuidanceItem g -> m.put("text", "care guidance");
      }
      list.add(m);
    }
    return Map.of("items", list);
  }
}
