package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.learning.TraitWeights;
import io.nyx.pipeline.InferenceListener;
import io.nyx.pipeline.InferencePipeline;
import io.nyx.pipeline.InferenceRequest;
import io.nyx.pipeline.InferenceResult;
import io.nyx.routing.Router;
import java.util.Set;

/** {@code POST /infer} and {@code POST /v1/route}: Nyx's own JSON API. */
final class InferApi {
  static final Set<String> FIELDS =
      Set.of("query", "session_id", "specialist", "max_tokens", "time_zone");
  static final int MAX_TOKENS = 131_072;

  private final InferencePipeline pipeline;
  private final Router router;
  private final TraitWeights weights;
  private final int maxQueryChars;

  InferApi(InferencePipeline pipeline, Router router, TraitWeights weights, int maxQueryChars) {
    this.pipeline = pipeline;
    this.router = router;
    this.weights = weights;
    this.maxQueryChars = maxQueryChars;
  }

  void infer(ServerRequest req, ServerResponse res) {
    Fields f = new Fields(Json.parseObject(Http.body(req))).only(FIELDS);
    InferenceRequest request =
        InferenceRequest.ofQuery(
                f.requireString("query", maxQueryChars),
                f.optString("session_id", 200),
                f.optString("specialist", 100),
                f.optInt("max_tokens", 1, MAX_TOKENS))
            .withTimeZone(zone(f.optString("time_zone", 64)))
            .by(AuthFilter.caller(req));
    InferenceResult result = pipeline.infer(request, InferenceListener.NONE);
    res.header("X-Nyx-Query-Id", result.id().toString());
    res.header("X-Nyx-Specialist", result.specialist() == null ? "base" : result.specialist());
    Http.json(res, 200, Responses.infer(result));
  }

  private static java.time.@org.jspecify.annotations.Nullable ZoneId zone(
      @org.jspecify.annotations.Nullable String id) {
    if (id == null) {
      return null;
    }
    try {
      return java.time.ZoneId.of(id);
    } catch (java.time.DateTimeException e) {
      throw new io.nyx.pipeline.NyxException.BadRequest(
          "time_zone",
          "'time_zone' must be an IANA zone id such as Europe/Berlin but was \"" + id + "\"");
    }
  }

  void route(ServerRequest req, ServerResponse res) {
    Fields f = new Fields(Json.parseObject(Http.body(req))).only(Set.of("query"));
    var decision = router.route(f.requireString("query", maxQueryChars), weights.current());
    ObjectNode o = Responses.route(decision);
    o.put("specialist", decision.specialist().orElse(null));
    Http.json(res, 200, o);
  }
}
