package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.persistence.durable.DurableFeedback;
import io.nyx.pipeline.FeedbackService;
import io.nyx.pipeline.NyxException;
import io.nyx.pipeline.RouteLessons;
import io.nyx.security.Caller;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /feedback}: a rating of an answer, applied now or queued while the database is away;
 * optionally with a {@code correction}, the answer that should have been given (the training export
 * makes it a supervised example and the preferred side of a pair). Its text went through {@link
 * Json#parse}, which refuses what PostgreSQL cannot store; with {@code route_to}, also "this should
 * have gone to that specialist" ({@link RouteLessons}).
 */
final class FeedbackApi {
  /** A correction is an answer: as long as the longest query Nyx accepts by default. */
  static final int MAX_CORRECTION_CHARS = 32_768;

  private final DurableFeedback feedback;
  private final RouteLessons lessons;

  FeedbackApi(DurableFeedback feedback, RouteLessons lessons) {
    this.feedback = feedback;
    this.lessons = lessons;
  }

  void feedback(ServerRequest req, ServerResponse res) {
    Fields f =
        new Fields(Json.parseObject(Http.body(req)))
            .only(Set.of("query_id", "rating", "comment", "correction", "route_to"));
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
    String routeTo = f.optString("route_to", 64);
    Caller by = AuthFilter.caller(req);
    switch (feedback.submit(id, rating, comment == null ? "" : comment, correction, by)) {
      case DurableFeedback.Applied a -> {
        ObjectNode o = applied(a.outcome());
        o.set("routing", lesson(id, rating, routeTo, by));
        Http.json(res, 200, o);
      }
      case DurableFeedback.Queued q -> Http.json(res, 202, queued(q.feedback()));
    }
  }

  /**
   * What routing learned from this feedback: {@code route_to} makes the query an exemplar of that
   * route; otherwise a good rating makes it evidence for the specialist that answered. Only with
   * the database up (a queued feedback teaches nothing).
   */
  private ObjectNode lesson(UUID id, double rating, @Nullable String routeTo, Caller by) {
    if (routeTo != null) {
      return ExemplarsApi.outcome(lessons.routeTo(id, routeTo, by));
    }
    try {
      return ExemplarsApi.outcome(lessons.rated(id, rating, by));
    } catch (RuntimeException e) { // the rating itself was applied: learning is best effort
      return ExemplarsApi.outcome(
          new io.nyx.routing.ExemplarLearning.Outcome.Skipped("not learned: " + e.getMessage()));
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
