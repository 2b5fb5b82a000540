package io.nyx.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.adapter.AdapterCommand;
import io.nyx.adapter.AdapterLifecycle;
import io.nyx.adapter.AdapterVersion;
import io.nyx.adapter.CanaryTest;
import io.nyx.adapter.Transition;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The adapter registry and its verbs (admin scope; docs/adapters.md): {@code GET /adapters}, {@code
 * POST /adapters} to register a candidate, and {@code POST /adapters/{name}/canary|promote|
 * rollback|retire}. The actor recorded with each transition is the caller's key name ({@code local}
 * without keys).
 */
final class AdaptersApi {
  static final int MAX_PATH_CHARS = 4096;
  static final int MAX_REASON_CHARS = 1000;

  private final AdapterLifecycle lifecycle;

  AdaptersApi(AdapterLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  void list(ServerRequest req, ServerResponse res) {
    ObjectNode o = Json.object();
    ArrayNode all = o.putArray("adapters");
    lifecycle.list().forEach(r -> all.add(json(r)));
    Http.json(res, 200, o);
  }

  void register(ServerRequest req, ServerResponse res) {
    Fields f =
        new Fields(Json.parseObject(Http.body(req))).only(Set.of("specialist", "version", "path"));
    String specialist = f.requireString("specialist", 64);
    OptionalInt version = f.optInt("version", 1, 1_000_000);
    if (version.isEmpty()) {
      throw new io.nyx.pipeline.NyxException.BadRequest(
          "version", "'version' is required: an integer in [1, 1000000]");
    }
    String path = f.requireString("path", MAX_PATH_CHARS);
    AdapterLifecycle.Report r =
        lifecycle.register(specialist, version.getAsInt(), path, actor(req));
    Http.json(res, 201, json(r));
  }

  void canary(ServerRequest req, ServerResponse res) {
    Fields f = fields(req, Set.of("share", "reason"));
    OptionalDouble share = f.optNumber("share", 0, 1);
    apply(req, res, new AdapterCommand.Canary(share.isPresent() ? share.getAsDouble() : null), f);
  }

  void promote(ServerRequest req, ServerResponse res) {
    apply(req, res, new AdapterCommand.Promote(), fields(req, Set.of("reason")));
  }

  void rollback(ServerRequest req, ServerResponse res) {
    apply(req, res, new AdapterCommand.Rollback(), fields(req, Set.of("reason")));
  }

  void retire(ServerRequest req, ServerResponse res) {
    apply(req, res, new AdapterCommand.Retire(), fields(req, Set.of("reason")));
  }

  private void apply(ServerRequest req, ServerResponse res, AdapterCommand c, Fields f) {
    String reason = f.optString("reason", MAX_REASON_CHARS);
    String name = req.path().pathParameters().get("name");
    Http.json(res, 200, json(lifecycle.apply(name, c, actor(req), reason == null ? "" : reason)));
  }

  /** The verbs' body is optional: none, or a JSON object of {@code allowed} fields. */
  private static Fields fields(ServerRequest req, Set<String> allowed) {
    byte[] body = Http.body(req);
    return new Fields(body.length == 0 ? Json.object() : Json.parseObject(body)).only(allowed);
  }

  private static String actor(ServerRequest req) {
    return AuthFilter.caller(req).rater();
  }

  static ObjectNode json(AdapterLifecycle.Report r) {
    AdapterVersion v = r.version();
    ObjectNode o = Json.object();
    o.put("specialist", v.specialist());
    o.put("version", v.version());
    o.put("name", v.name());
    o.put("state", v.state().label());
    o.put("share", v.share());
    o.put("samples", r.usage().answers());
    o.put("reward_mean", r.usage().rewardMean());
    o.put("error_rate", r.usage().errorRate());
    o.put("path", v.path());
    o.put("base_model", v.baseModel());
    o.put("rank", v.rank());
    o.put("loaded", v.loaded());
    o.put("created_at", v.createdAt().toString());
    o.put("state_since", v.stateSince().toString());
    o.put("reason", v.reason());
    o.put("actor", v.actor());
    o.set("figures", Json.MAPPER.valueToTree(v.figures()));
    CanaryTest.Verdict test = r.test();
    if (test != null) {
      ObjectNode t = Json.MAPPER.valueToTree(test.figures().toMap());
      t.put("verdict", verdict(test));
      o.set("test", t);
    }
    ArrayNode history = o.putArray("history");
    for (Transition t : r.history()) {
      ObjectNode h = history.addObject();
      h.put("at", t.at().toString());
      var from = t.from();
      h.put("from", from == null ? null : from.label());
      h.put("to", t.to().label());
      h.put("reason", t.reason());
      h.put("actor", t.actor());
      h.set("figures", Json.MAPPER.valueToTree(t.figures()));
    }
    return o;
  }

  private static String verdict(CanaryTest.Verdict v) {
    return switch (v) {
      case CanaryTest.Verdict.Collecting c -> "collecting";
      case CanaryTest.Verdict.Promote p -> "promote";
      case CanaryTest.Verdict.Rollback r -> "rollback";
      case CanaryTest.Verdict.Inconclusive i -> "inconclusive";
    };
  }
}
