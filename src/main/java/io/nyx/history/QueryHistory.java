package io.nyx.history;

import io.nyx.pipeline.QueryRecord;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads of the request log for people: one exchange whole, pages of them, the ratings one was
 * given. No owner checks here: {@link History} makes them. Thread-safe; a store that cannot answer
 * throws (unchecked), as {@link io.nyx.pipeline.QueryLog} does.
 */
public interface QueryHistory {

  /** The row with every column, whoever owns it. */
  Optional<QueryRecord> find(UUID id);

  /** Rows matching {@code filter}, newest first (by created_at, then id), at most its limit. */
  List<QuerySummary> page(QueryFilter filter);

  /** The ratings given to the answer, in the order they were first given. */
  List<FeedbackEntry> feedback(UUID queryId);

  /** The rows of those ids that exist, by id; ids of no row are left out. */
  Map<UUID, QuerySummary> summaries(Collection<UUID> ids);
}
