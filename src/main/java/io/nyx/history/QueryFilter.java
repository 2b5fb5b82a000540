package io.nyx.history;

import org.jspecify.annotations.Nullable;

/**
 * Which exchanges a page holds, newest first. Each null criterion is no criterion.
 *
 * @param tenant only this tenant's (null: every tenant's, for administrators)
 * @param since recorded at or after this instant
 * @param specialist answered by this specialist; {@value #BASE} for the base model
 * @param status the row's status ("ok", "backend_error", ...)
 * @param after only rows older than this cursor (the next page)
 * @param limit at most this many rows, at least 1
 * @param text the question or the answer contains this text, ignoring case
 */
public record QueryFilter(
    @Nullable String tenant,
    java.time.@Nullable Instant since,
    @Nullable String specialist,
    @Nullable String status,
    @Nullable Cursor after,
    int limit,
    @Nullable String text) {

  /** The specialist filter that means "answered by the base model". */
  public static final String BASE = "base";

  public QueryFilter {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
    }
  }

  /** Without a text criterion. */
  public QueryFilter(
      @Nullable String tenant,
      java.time.@Nullable Instant since,
      @Nullable String specialist,
      @Nullable String status,
      @Nullable Cursor after,
      int limit) {
    this(tenant, since, specialist, status, after, limit, null);
  }

  /** The same filter, for one tenant. */
  public QueryFilter forTenant(@Nullable String only) {
    return new QueryFilter(only, since, specialist, status, after, limit, text);
  }

  /** The same filter, {@code n} rows at most. */
  public QueryFilter withLimit(int n) {
    return new QueryFilter(tenant, since, specialist, status, after, n, text);
  }
}
