package io.nyx.history;

import io.nyx.foresight.Prediction;
import io.nyx.pipeline.NyxException;
import io.nyx.pipeline.QueryRecord;
import io.nyx.security.Caller;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The recorded exchanges and predictions as their owners may read them: a key sees its own tenant's
 * rows only, and another tenant's row is a 404, exactly as if it did not exist (a 403 would confirm
 * the id); an administrator sees every tenant's, or one tenant's when it names it. Thread-safe.
 */
public final class History {
  private final QueryHistory queries;
  private final PredictionHistory predictions;

  public History(QueryHistory queries, PredictionHistory predictions) {
    this.queries = queries;
    this.predictions = predictions;
  }

  /** One exchange whole, with the ratings it was given. */
  public record Exchange(QueryRecord record, List<FeedbackEntry> feedback) {
    public Exchange {
      feedback = List.copyOf(feedback);
    }
  }

  /** One page and the cursor of the next (null after the last). */
  public record Page<T>(List<T> items, @Nullable String next) {
    public Page {
      items = List.copyOf(items);
    }
  }

  /**
   * @throws NyxException.NotFound when there is no such exchange, or {@code caller} may not read it
   */
  public Exchange exchange(UUID id, Caller caller) {
    QueryRecord row =
        queries
            .find(id)
            .filter(r -> caller.mayAccess(r.tenant()))
            .orElseThrow(() -> new NyxException.NotFound("id", "no query with id " + id));
    return new Exchange(row, queries.feedback(id));
  }

  /**
   * A page of exchanges newest first; {@code asked.tenant()} is the tenant asked for (null: the
   * caller's own, or every tenant's for an administrator).
   *
   * @throws NyxException.Forbidden when a key that is not an administrator names another tenant
   */
  public Page<QuerySummary> exchanges(QueryFilter asked, Caller caller) {
    QueryFilter filter = asked.forTenant(tenant(asked.tenant(), caller));
    // One row more than asked says whether another page follows, without counting.
    List<QuerySummary> rows = queries.page(filter.withLimit(filter.limit() + 1));
    if (rows.size() <= filter.limit()) {
      return new Page<>(rows, null);
    }
    List<QuerySummary> page = rows.subList(0, filter.limit());
    QuerySummary last = page.getLast();
    return new Page<>(page, new Cursor(last.createdAt(), last.id()).token());
  }

  /** A page of predictions newest first; tenants as for {@link #exchanges}. */
  public Page<Prediction> predictions(
      @Nullable String tenant,
      PredictionHistory.@Nullable State state,
      @Nullable Long beforeId,
      int limit,
      Caller caller) {
    List<Prediction> rows = predictions.page(tenant(tenant, caller), state, beforeId, limit + 1);
    if (rows.size() <= limit) {
      return new Page<>(rows, null);
    }
    List<Prediction> page = rows.subList(0, limit);
    return new Page<>(page, Long.toString(page.getLast().id()));
  }

  /** The tenant a read is confined to; null means every tenant (administrators only). */
  static @Nullable String tenant(@Nullable String asked, Caller caller) {
    if (caller.admin()) {
      return asked;
    }
    if (asked != null && !asked.equals(caller.tenant())) {
      throw new NyxException.Forbidden(
          "tenant",
          "'tenant' may name another tenant only with the admin scope; this key's tenant is '"
              + caller.tenant()
              + "'");
    }
    return caller.tenant();
  }
}
