package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.persistence.durable.DurableFeedback;
import io.nyx.pipeline.FeedbackService;
import io.nyx.pipeline.NyxException;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /feedback}: a rating of an answer, applied now or queued while the database is away;
 * optionally with a {@code correction}, the answer that should have been given (the training export
 * makes it a supervised example and the preferred side of a pair). Its text went through {@link
 * Json#parse}, which refuses what PostgreSQL cannot store.
 */
final class FeedbackApi {
  /** A correction is an answer: as long as the longest query Nyx accepts by default. */
  static final int MAX_CORRECTION_CHARS = 32_768;

  private final DurableFeedback feedback;

  FeedbackApi(DurableFeedback feedback) {
    this.feedback = feedback;
  }

  void feedback(ServerRequest req, ServerResponse res) {
    Fields f =
        new Fields(Json.parseObject(Http.body(req)))
            .only(Set.of("query_id", "rating", "comment", "correction"));
    UUID id = uuid(f.requireString("query_id", 64));
    double rating = f.requireNumber("rating", -1, 1);
    String comment = f.optString("comment", 4000);
    String correction = f.optString("correction", MAX_CORRECTION_CHARS);
    if (correction != null && correction.isBlank()) {
      throw new NyxException.BadRequest(
          "correction",
          "'correction' must be the answer that should have been given, not blank; leave it out"
              + " to rate only");
    }
    switch (feedback.submit(
        id, rating, comment == null ? "" : comment, correction, AuthFilter.caller(req))) {
      case DurableFeedback.Applied a -> Http.json(res, 200, applied(a.outcome()));
      case DurableFeedback.Queued q -> Http.json(res, 202, queued(q.feedback()));
    }
  }

  private static ObjectNode applied(FeedbackService.Outcome out) {
    ObjectNode o = Json.object();
    o.put("query_id", out.queryId().toString());
    o.put("status", "applied");
    o.put("reward", out.reward());
    if (out.trait().isPresent()) {
      o.set("trait", Responses.trait(out.trait().get()));
    } else {
      o.putNull("trait");
    }
    o.put("trait_effect", out.effect().name().toLowerCase(java.util.Locale.ROOT));
    return o;
  }

  /** The database is away: the feedback is on disk and its effect is not known yet. */
  private static ObjectNode queued(io.nyx.pipeline.Feedback fb) {
    ObjectNode o = Json.object();
    o.put("query_id", fb.queryId().toString());
    o.put("status", "queued");
    o.put("feedback_id", fb.id().toString());
    o.putNull("reward");
    o.putNull("trait");
    return o;
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
