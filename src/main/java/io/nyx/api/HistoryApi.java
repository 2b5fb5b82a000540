package io.nyx.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.export.Since;
import io.nyx.foresight.Prediction;
import io.nyx.foresight.Scenario;
import io.nyx.history.Cursor;
import io.nyx.history.FeedbackEntry;
import io.nyx.history.History;
import io.nyx.history.PredictionHistory;
import io.nyx.history.QueryFilter;
import io.nyx.history.QuerySummary;
import io.nyx.persistence.jdbc.StoredMessages;
import io.nyx.pipeline.NyxException;
import io.nyx.pipeline.QueryRecord;
import io.nyx.security.Caller;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * History people can read: {@code GET /queries/{id}} (one exchange whole: the decision and its
 * explanation, the context, the answer, the reward and its parts, the ratings), {@code GET
 * /queries} and {@code GET /predictions} (pages, newest first, with a cursor to the next). A key
 * reads its own tenant's rows only ({@link History}); the prompt as sent ({@code messages}, which
 * holds the specialists' instructions, operator configuration) only with the admin scope.
 */
final class HistoryApi {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  private static final Set<String> QUERY_PARAMS =
      Set.of("since", "specialist", "status", "limit", "cursor", "tenant", "q");
  private static final Set<String> PREDICTION_PARAMS =
      Set.of("status", "limit", "cursor", "tenant");

  /** Keys of a row's route JSON that are the reward's parts rather than the decision's. */
  private static final Set<String> REWARD_KEYS = Set.of("reward_components", "reward_inputs");

  private final History history;
  private final InstantSource clock;

  HistoryApi(History history, InstantSource clock) {
    this.history = history;
    this.clock = clock;
  }

  void query(ServerRequest req, ServerResponse res) {
    new Query(req, Set.of());
    Caller caller = AuthFilter.caller(req);
    History.Exchange e = history.exchange(uuid(req.path().pathParameters().get("id")), caller);
    Http.json(res, 200, exchange(e, caller.admin()));
  }

  void queries(ServerRequest req, ServerResponse res) {
    Query q = new Query(req, QUERY_PARAMS);
    QueryFilter filter =
        new QueryFilter(
            q.optional("tenant", 64),
            since(q.optional("since", 64)),
            q.optional("specialist", 64),
            q.optional("status", 32),
            cursor(q.optional("cursor", 200)),
            q.integer("limit", 1, MAX_LIMIT, DEFAULT_LIMIT),
            q.optional("q", 200));
    History.Page<QuerySummary> page = history.exchanges(filter, AuthFilter.caller(req));
    ObjectNode o = Json.object();
    ArrayNode data = o.putArray("data");
    page.items().forEach(s -> data.add(summary(s)));
    o.put("next_cursor", page.next());
    Http.json(res, 200, o);
  }

  void predictions(ServerRequest req, ServerResponse res) {
    Query q = new Query(req, PREDICTION_PARAMS);
    History.Page<Prediction> page =
        history.predictions(
            q.optional("tenant", 64),
            state(q.optional("status", 16)),
            predictionCursor(q.optional("cursor", 20)),
            q.integer("limit", 1, MAX_LIMIT, DEFAULT_LIMIT),
            AuthFilter.caller(req));
    ObjectNode o = Json.object();
    ArrayNode data = o.putArray("data");
    page.items().forEach(p -> data.add(prediction(p)));
    o.put("next_cursor", page.next());
    Http.json(res, 200, o);
  }

  static ObjectNode summary(QuerySummary s) {
    ObjectNode o = Json.object();
    o.put("id", s.id().toString());
    o.put("created_at", s.createdAt().toString());
    o.put("tenant", s.tenant());
    o.put("key_name", s.keyName());
    o.put("session_id", s.sessionId());
    o.put("query", s.query());
    o.put("specialist", s.specialist());
    o.put("adapter", s.adapter());
    o.put("adapter_version", s.adapterVersion());
    o.put("route_method", s.routeMethod());
    o.put("route_confidence", s.routeConfidence());
    o.put("answer", s.response());
    o.put("finish_reason", s.finishReason());
    o.put("confidence", s.confidence());
    o.put("reward", s.reward());
    o.put("status", s.status());
    o.put("latency_ms", s.latencyMs());
    return o;
  }

  private static ObjectNode exchange(History.Exchange e, boolean admin) {
    QueryRecord r = e.record();
    ObjectNode o = Json.object();
    o.put("id", r.id().toString());
    o.put("created_at", r.createdAt().toString());
    o.put("tenant", r.tenant());
    o.put("key_name", r.keyName());
    o.put("session_id", r.sessionId());
    o.put("query", r.query());
    o.put("status", r.status());
    o.put("error", r.error());
    o.put("specialist", r.specialist());
    // The model id called (a registered version's served name, kairos-v2) and its version.
    o.put("adapter", r.adapter());
    o.put("adapter_version", r.adapterVersion());
    Map<String, Object> decision = new LinkedHashMap<>(r.route());
    decision.keySet().removeAll(REWARD_KEYS);
    o.set("decision", Json.MAPPER.valueToTree(decision));
    o.set("context", Json.MAPPER.valueToTree(r.context()));
    o.set("decoding", Json.MAPPER.valueToTree(r.decoding()));
    if (admin) {
      o.set("messages", StoredMessages.tree(r.messages()));
    }
    ObjectNode answer = o.putObject("answer");
    answer.put("content", r.response());
    answer.put("finish_reason", r.finishReason());
    answer.set("tool_calls", StoredMessages.toolCalls(r.toolCalls()));
    answer.put("confidence", r.confidence());
    ObjectNode reward = o.putObject("reward");
    reward.put("value", r.reward());
    for (String key : REWARD_KEYS) {
      reward.set(key.substring("reward_".length()), Json.MAPPER.valueToTree(r.route().get(key)));
    }
    ObjectNode usage = o.putObject("usage");
    usage.put("prompt_tokens", r.promptTokens());
    usage.put("completion_tokens", r.completionTokens());
    o.put("latency_ms", r.latencyMs());
    o.put("backend_latency_ms", r.backendLatencyMs());
    ArrayNode feedback = o.putArray("feedback");
    e.feedback().forEach(f -> feedback.add(feedback(f)));
    return o;
  }

  private static ObjectNode feedback(FeedbackEntry f) {
    ObjectNode o = Json.object();
    o.put("id", f.id().toString());
    o.put("rating", f.rating());
    o.put("comment", f.comment());
    o.put("rater", f.rater());
    o.put("created_at", f.createdAt().toString());
    Instant updated = f.updatedAt();
    o.put("updated_at", updated == null ? null : updated.toString());
    o.put("trait", f.trait());
    o.put("evidence", f.evidence());
    return o;
  }

  private static ObjectNode prediction(Prediction p) {
    ObjectNode o = Json.object();
    o.put("id", p.id());
    o.put("query_id", p.queryId().toString());
    o.put("tenant", p.tenant());
    o.put("specialist", p.specialist());
    o.put("text", p.text());
    ArrayNode scenarios = o.putArray("scenarios");
    for (Scenario s : p.scenarios()) {
      scenarios.addObject().put("text", s.text()).put("likelihood", s.likelihood());
    }
    o.put("created_at", p.createdAt().toString());
    o.put("outcome", p.outcome());
    return o;
  }

  private static UUID uuid(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw new NyxException.BadRequest("id", "'id' must be a query id (a UUID) but was " + raw);
    }
  }

  private java.time.@Nullable Instant since(@Nullable String raw) {
    if (raw == null) {
      return null;
    }
    try {
      Instant now = clock.instant();
      return Since.parse(raw, now);
    } catch (IllegalArgumentException e) {
      throw new NyxException.BadRequest("since", "'since' " + e.getMessage());
    }
  }

  private static @Nullable Cursor cursor(@Nullable String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return Cursor.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new NyxException.BadRequest("cursor", "'cursor' " + e.getMessage());
    }
  }

  private static @Nullable Long predictionCursor(@Nullable String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new NyxException.BadRequest(
          "cursor", "'cursor' must be the next_cursor of an earlier page but was '" + raw + "'");
    }
  }

  private static PredictionHistory.@Nullable State state(@Nullable String raw) {
    if (raw == null) {
      return null;
    }
    return switch (raw) {
      case "open" -> PredictionHistory.State.OPEN;
      case "resolved" -> PredictionHistory.State.RESOLVED;
      default ->
          throw new NyxException.BadRequest(
              "status", "'status' must be open or resolved but was '" + raw + "'");
    };
  }
}
