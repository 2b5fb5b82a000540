package io.nyx.pipeline;

import io.nyx.routing.ExemplarLearning;
import io.nyx.routing.LearnedExemplar;
import io.nyx.routing.SemanticRouter;
import io.nyx.security.Caller;
import java.util.List;
import java.util.UUID;

/**
 * What routing learns from feedback on an answered query: a "should have gone to X" ({@code
 * route_to}) makes the query's text an exemplar of X; a good rating of an answer a specialist gave
 * makes it evidence for that specialist ({@link ExemplarLearning} decides what is kept). Only the
 * query's own tenant (or an administrator) may teach from it; anyone else is told it does not
 * exist, as with feedback. Thread-safe.
 */
public final class RouteLessons {
  private final QueryLog log;
  private final ExemplarLearning learning;

  public RouteLessons(QueryLog log, ExemplarLearning learning) {
    this.log = log;
    this.learning = learning;
  }

  /**
   * @throws NyxException.NotFound when there is no such query, or it belongs to another tenant
   */
  public ExemplarLearning.Outcome routeTo(UUID queryId, String route, Caller by) {
    QueryRecord row = row(queryId, by);
    return learning.correct(route, row.query(), queryId, by.rater());
  }

  /** A rating of an answer: evidence for the specialist that gave it when good enough. */
  public ExemplarLearning.Outcome rated(UUID queryId, double rating, Caller by) {
    QueryRecord row = row(queryId, by);
    if (row.specialist() == null || !"ok".equals(row.status())) {
      return new ExemplarLearning.Outcome.Skipped("no specialist answered it");
    }
    return learning.rated(row.specialist(), row.query(), rating, queryId, by.rater());
  }

  public SemanticRouter.Thresholds thresholds() {
    return learning.thresholds();
  }

  public List<LearnedExemplar> list() {
    return learning.list();
  }

  public boolean remove(long id) {
    return learning.remove(id);
  }

  private QueryRecord row(UUID queryId, Caller by) {
    QueryRecord row =
        log.find(queryId)
            .orElseThrow(() -> new NyxException.NotFound("query_id", "no query " + queryId));
    if (!by.mayAccess(row.tenant())) {
      throw new NyxException.NotFound("query_id", "no query " + queryId);
    }
    return row;
  }
}
