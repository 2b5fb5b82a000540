package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.history.QueryHistory;
import io.nyx.history.QuerySummary;
import io.nyx.pipeline.FeedbackService;
import io.nyx.pipeline.ReviewService;
import io.nyx.safety.ReviewItem;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /review}, {@code POST /review/{id}}: Eleos's human review. Each pending item carries
 * the exchange a reviewer judges, the question and the answer (null when no answer came, or the row
 * is not in the database yet while it waits in the spool).
 */
final class ReviewApi {
  static final int PAGE = 100;

  private final ReviewService reviews;
  private final QueryHistory queries;

  ReviewApi(ReviewService reviews, QueryHistory queries) {
    this.reviews = reviews;
    this.queries = queries;
  }

  void pending(ServerRequest req, ServerResponse res) {
    ObjectNode o = Json.object();
    var arr = o.putArray("items");
    List<ReviewItem> items = reviews.pending(PAGE);
    Map<UUID, QuerySummary> exchanges =
        queries.summaries(items.stream().map(ReviewItem::queryId).distinct().toList());
    for (ReviewItem item : items) {
      ObjectNode i = arr.addObject();
      i.put("id", item.id());
      i.put("query_id", item.queryId().toString());
      i.put("stage", item.stage());
      i.put("category", item.category());
      i.put("risk", item.risk());
      i.set("assessment", Json.MAPPER.valueToTree(item.assessment()));
      i.put("created_at", item.createdAt().toString());
      i.put("tenant", item.tenant());
      QuerySummary exchange = exchanges.get(item.queryId());
      i.put("question", exchange == null ? null : exchange.query());
      i.put("answer", exchange == null ? null : exchange.response());
      i.put("specialist", exchange == null ? null : exchange.specialist());
    }
    Http.json(res, 200, o);
  }

  void decide(ServerRequest req, ServerResponse res) {
    long id = Http.idParameter(req);
    Fields f =
        new Fields(Json.parseObject(Http.body(req))).only(Set.of("verdict", "rating", "note"));
    String verdict = f.requireString("verdict", 32);
    double rating = f.requireNumber("rating", -1, 1);
    String note = f.optString("note", 4000);
    FeedbackService.Outcome out = reviews.decide(id, verdict, rating, note == null ? "" : note);
    ObjectNode o = Responses.outcome(out);
    o.put("id", id);
    o.put("verdict", verdict);
    Http.json(res, 200, o);
  }
}
