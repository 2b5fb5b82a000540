package io.nyx.routing;

import java.util.List;
import java.util.Optional;

/**
 * Where learned exemplars live: PostgreSQL in a server (every replica reads the same rows), memory
 * in tests and offline evaluation. Thread-safe.
 */
public interface LearnedExemplarStore {

  /**
   * Stores {@code c} and, in the same step, removes the oldest learned exemplars of its route
   * beyond {@code maxPerRoute}; empty when the route already holds the same text.
   */
  Optional<LearnedExemplar> add(LearnedExemplar.Candidate c, int maxPerRoute);

  /** Every learned exemplar, oldest first. */
  List<LearnedExemplar> all();

  /** Whether there was one with this id. */
  boolean remove(long id);

  /**
   * Changes whenever the set changes (an add, a removal, an eviction), so a replica can tell
   * cheaply whether to reload.
   */
  Version version();

  /** Number of rows and the largest id ever assigned: any add raises maxId, any removal count. */
  record Version(long count, long maxId) {}
}
