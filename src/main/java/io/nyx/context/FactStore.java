package io.nyx.context;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Aletheia's facts, searched with PostgreSQL full-text search. The query text is always a bound
 * parameter: model or user text never becomes SQL. Thread-safe.
 */
public interface FactStore {

  /** Inserts; a statement already stored comes back as it is (statements are unique). */
  Fact add(String statement, String source, double confidence);

  /** The subset of {@code statements} already stored (so a re-run import skips them). */
  Set<String> existing(Collection<String> statements);

  /** Best matches first (ts_rank over websearch_to_tsquery), at most {@code limit}. */
  List<Fact> search(String query, int limit);
}
