package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.learning.TraitStore;
import io.nyx.learning.TraitWeights;
import io.nyx.pipeline.FeedbackService;
import io.nyx.pipeline.NyxException;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;

/** {@code POST /feedback}, {@code GET /traits}, {@code PUT /traits/{name}}. */
final class FeedbackApi {
  private final FeedbackService feedback;
  private final TraitStore traits;
  private final TraitWeights weights;

  FeedbackApi(FeedbackService feedback, TraitStore traits, TraitWeights weights) {
    this.feedback = feedback;
    this.traits = traits;
    this.weights = weights;
  }

  void feedback(ServerRequest req, ServerResponse res) {
    Fields f =
        new Fields(Json.parseObject(Http.body(req))).only(Set.of("query_id", "rating", "comment"));
    UUID id = uuid(f.requireString("query_id", 64));
    double rating = f.requireNumber("rating", -1, 1);
    String comment = f.optString("comment", 4000);
    FeedbackService.Outcome out = feedback.apply(id, rating, comment == null ? "" : comment);
    ObjectNode o = Json.object();
    o.put("query_id", out.queryId().toString());
    o.put("reward", out.reward());
    if (out.trait().isPresent()) {
      o.set("trait", Responses.trait(out.trait().get()));
    } else {
      o.putNull("trait");
    }
    Http.json(res, 200, o);
  }

  void list(ServerRequest req, ServerResponse res) {
    ObjectNode o = Json.object();
    var arr = o.putArray("traits");
    traits.all().values().stream()
        .sorted(java.util.Comparator.comparing(io.nyx.learning.TraitWeight::name))
        .forEach(w -> arr.add(Responses.trait(w)));
    Http.json(res, 200, o);
  }

  void set(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("name");
    Fields f = new Fields(Json.parseObject(Http.body(req))).only(Set.of("weight", "reason"));
    double weight = f.requireNumber("weight", 0, 1);
    String reason = f.requireString("reason", 1000);
    try {
      var w = traits.set(name, weight, "operator", reason);
      weights.apply(w);
      Http.json(res, 200, Responses.trait(w));
    } catch (NoSuchElementException e) {
      throw new NyxException.NotFound("name", "no trait named '" + name + "'");
    }
  }

  private static UUID uuid(String s) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw new NyxException.BadRequest(
          "query_id", "'query_id' must be a UUID but was \"" + s + "\"");
    }
  }
}
