package io.nyx.memory;

import java.util.List;

/**
 * Nearest neighbours by dot product over unit vectors (= cosine). Thread-safe: adds and searches
 * may run concurrently.
 */
public interface VectorIndex {

  void add(long id, float[] vector);

  /** The {@code k} best matches, best first; ties broken by smaller id. */
  List<Hit> search(float[] query, int k);

  int size();

  /** One match. */
  record Hit(long id, double score) {}
}
