package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.pipeline.FeedbackService;
import io.nyx.pipeline.NyxException;
import io.nyx.pipeline.PredictionService;
import io.nyx.pipeline.ReviewService;
import io.nyx.safety.ReviewItem;
import java.util.Set;

/**
 * {@code GET /review}, {@code POST /review/{id}} (Eleos's human review) and {@code POST
 * /predictions/{id}/outcome} (Moira's predictions scored).
 */
final class PowersApi {
  static final int PAGE = 100;

  private final ReviewService reviews;
  private final PredictionService predictions;

  PowersApi(ReviewService reviews, PredictionService predictions) {
    this.reviews = reviews;
    this.predictions = predictions;
  }

  void pending(ServerRequest req, ServerResponse res) {
    ObjectNode o = Json.object();
    var arr = o.putArray("items");
    for (ReviewItem item : reviews.pending(PAGE)) {
      ObjectNode i = arr.addObject();
      i.put("id", item.id());
      i.put("query_id", item.queryId().toString());
      i.put("stage", item.stage());
      i.put("category", item.category());
      i.put("risk", item.risk());
      i.set("assessment", Json.MAPPER.valueToTree(item.assessment()));
      i.put("created_at", item.createdAt().toString());
      i.put("tenant", item.tenant());
    }
    Http.json(res, 200, o);
  }

  void decide(ServerRequest req, ServerResponse res) {
    long id = id(req);
    Fields f =
        new Fields(Json.parseObject(Http.body(req))).only(Set.of("verdict", "rating", "note"));
    String verdict = f.requireString("verdict", 32);
    double rating = f.requireNumber("rating", -1, 1);
    String note = f.optString("note", 4000);
    FeedbackService.Outcome out = reviews.decide(id, verdict, rating, note == null ? "" : note);
    ObjectNode o = feedback(out);
    o.put("id", id);
    o.put("verdict", verdict);
    Http.json(res, 200, o);
  }

  void outcome(ServerRequest req, ServerResponse res) {
    long id = id(req);
    Fields f = new Fields(Json.parseObject(Http.body(req))).only(Set.of("outcome"));
    String outcome = f.requireString("outcome", 32);
    if (!outcome.equals("happened") && !outcome.equals("did_not_happen")) {
      throw new NyxException.BadRequest(
          "outcome", "'outcome' must be \"happened\" or \"did_not_happen\" but was " + outcome);
    }
    PredictionService.Scored s = predictions.outcome(id, outcome.equals("happened"));
    ObjectNode o = feedback(s.outcome());
    o.put("id", id);
    o.put("outcome", outcome);
    o.put("rating", s.rating());
    Http.json(res, 200, o);
  }

  private static ObjectNode feedback(FeedbackService.Outcome out) {
    ObjectNode o = Json.object();
    o.put("query_id", out.queryId().toString());
    o.put("reward", out.reward());
    if (out.trait().isPresent()) {
      o.set("trait", Responses.trait(out.trait().get()));
    } else {
      o.putNull("trait");
    }
    return o;
  }

  private static long id(ServerRequest req) {
    String raw = req.path().pathParameters().get("id");
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new NyxException.BadRequest("id", "'id' must be an integer but was \"" + raw + "\"");
    }
  }
}
