package io.nyx.context;

import java.util.List;

/**
 * Aletheia's facts, searched with PostgreSQL full-text search. The query text is always a bound
 * parameter: model or user text never becomes SQL. Thread-safe.
 */
public interface FactStore {

  Fact add(String statement, String source, double confidence);

  /** Best matches first (ts_rank over websearch_to_tsquery), at most {@code limit}. */
  List<Fact> search(String query, int limit);
}
