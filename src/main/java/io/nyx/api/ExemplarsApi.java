package io.nyx.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.pipeline.NyxException;
import io.nyx.pipeline.RouteLessons;
import io.nyx.routing.ExemplarLearning;
import io.nyx.routing.LearnedExemplar;
import io.nyx.routing.SemanticRouter;

/**
 * {@code GET /routing/exemplars} and {@code DELETE /routing/exemplars/{id}}: the learned route
 * exemplars with their provenance, for administrators (they steer every tenant's routing), and the
 * abstention threshold they left routing with.
 */
final class ExemplarsApi {
  private final RouteLessons lessons;

  ExemplarsApi(RouteLessons lessons) {
    this.lessons = lessons;
  }

  void list(ServerRequest req, ServerResponse res) {
    admin(req);
    ObjectNode o = Json.object();
    ArrayNode items = o.putArray("exemplars");
    lessons.list().forEach(e -> items.add(json(e)));
    SemanticRouter.Thresholds t = lessons.thresholds();
    ObjectNode threshold = o.putObject("threshold");
    put(threshold, t);
    t.secondOpinion()
        .ifPresentOrElse(
            s -> put(threshold.putObject("second_opinion"), s),
            () -> threshold.putNull("second_opinion"));
    Http.json(res, 200, o);
  }

  private static void put(ObjectNode threshold, SemanticRouter.Thresholds t) {
    threshold.put("in_use", t.inUse());
    threshold.put("from_exemplars", t.fromExemplars());
    if (t.fromLearned().isPresent()) {
      threshold.put("from_learned", t.fromLearned().getAsDouble());
    } else {
      threshold.putNull("from_learned");
    }
  }

  void delete(ServerRequest req, ServerResponse res) {
    admin(req);
    String raw = req.path().pathParameters().get("id");
    long id;
    try {
      id = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new NyxException.BadRequest(
          "id", "exemplar id must be an integer but was '" + raw + "'");
    }
    if (!lessons.remove(id)) {
      throw new NyxException.NotFound("id", "no learned exemplar with id " + id);
    }
    ObjectNode o = Json.object();
    o.put("removed", id);
    Http.json(res, 200, o);
  }

  static ObjectNode json(LearnedExemplar e) {
    ObjectNode o = Json.object();
    o.put("id", e.id());
    o.put("route", e.route());
    o.put("text", e.text());
    o.put("source", e.source().label());
    if (e.queryId() == null) {
      o.putNull("query_id");
    } else {
      o.put("query_id", e.queryId().toString());
    }
    o.put("rater", e.rater());
    o.put("created_at", e.createdAt().toString());
    return o;
  }

  /** What {@code route_to} or a rating taught routing, for the feedback response. */
  static ObjectNode outcome(ExemplarLearning.Outcome out) {
    ObjectNode o = Json.object();
    switch (out) {
      case ExemplarLearning.Outcome.Learned l -> {
        o.put("status", "learned");
        o.set("exemplar", json(l.exemplar()));
      }
      case ExemplarLearning.Outcome.Skipped s -> {
        o.put("status", "skipped");
        o.put("reason", s.reason());
      }
    }
    return o;
  }

  private static void admin(ServerRequest req) {
    if (!AuthFilter.caller(req).admin()) {
      throw new NyxException.Forbidden(
          "scope", "learned exemplars steer every tenant's routing: the admin scope is needed");
    }
  }
}
