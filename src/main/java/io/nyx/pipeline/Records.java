package io.nyx.pipeline;

import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatResult;
import io.nyx.context.ContextItem;
import io.nyx.learning.AnswerSignals;
import io.nyx.learning.Reward;
import io.nyx.routing.MasterVerdict;
import io.nyx.routing.RouteDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds the stored row for an answered or failed request. */
final class Records {

  /** What is known before the model is called. */
  record Draft(
      UUID id,
      Instant at,
      InferenceRequest req,
      RouteDecision route,
      int cluster,
      Plan plan,
      List<ChatMessage> messages,
      List<ContextItem> context,
      Screening screening) {

    /** "safety" when the risk screen overrode routing. */
    String routeMethod() {
      return screening.forcedBySafety() ? "safety" : route.method();
    }
  }

  QueryRecord answered(
      Draft d,
      InferencePipeline.Answer answer,
      double confidence,
      Reward reward,
      AnswerSignals signals,
      Map<String, Object> checks) {
    ChatResult r = answer.timed().result();
    Map<String, Object> route = route(d);
    if (!checks.isEmpty()) {
      route.put("checks", checks);
    }
    route.put("attempts", answer.timed().attempts());
    if (!answer.fallback().isEmpty()) {
      route.put("fallback", answer.fallback());
    }
    route.put("reward_components", reward.components());
    route.put(RewardInputs.KEY, RewardInputs.toMap(signals));
    return new QueryRecord(
        d.id(),
        d.at(),
        d.req().sessionId(),
        d.req().query(),
        d.plan().specialist(),
        answer.used().model(),
        d.routeMethod(),
        d.route().confidence(),
        route,
        d.messages(),
        decoding(d.plan()),
        context(d),
        r.content(),
        r.finishReason(),
        confidence,
        reward.value(),
        r.usage().promptTokens(),
        r.usage().completionTokens(),
        signals.latencyMs(),
        answer.timed().millis(),
        "ok",
        null,
        d.req().caller().tenant(),
        d.req().caller().keyName());
  }

  QueryRecord failed(Draft d, String status, String error, long latencyMs) {
    return new QueryRecord(
        d.id(),
        d.at(),
        d.req().sessionId(),
        d.req().query(),
        d.plan().specialist(),
        d.plan().model(),
        d.routeMethod(),
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
        d.req().caller().keyName());
  }

  private static Map<String, Object> route(Draft d) {
    Map<String, Object> m = route(d.route());
    m.put("method", d.routeMethod());
    if (d.cluster() >= 0) {
      m.put("cluster", d.cluster());
    }
    m.putAll(d.screening().toMap());
    return m;
  }

  private static Map<String, Object> context(Draft d) {
    Map<String, Object> m = new LinkedHashMap<>(context(d.context()));
    m.put("dropped", d.screening().dropped());
    return m;
  }

  static Map<String, Object> route(RouteDecision decision) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", decision.method());
    m.put("confidence", decision.confidence());
    m.put("scores", decision.scores());
    m.put("margin", decision.margin());
    switch (decision) {
      case RouteDecision.Chosen c -> {}
      case RouteDecision.Abstained a -> m.put("abstain_reason", a.reason());
      case RouteDecision.Forced f -> m.put("forced", f.name());
    }
    m.put("master", master(decision.master()));
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
