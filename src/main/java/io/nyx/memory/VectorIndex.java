package io.nyx.memory;

import java.util.List;

/**
 * Nearest neighbours by dot product over unit vectors (= cosine). Thread-safe: adds, removes and
 * searches may run concurrently; a search sees every add and remove that returned before it began.
 * The caller closes the index.
 */
public interface VectorIndex extends AutoCloseable {

  /** Adds {@code id}, or replaces its vector when it is already present. */
  void add(long id, float[] vector);

  /** Removes {@code id}; nothing happens when it is absent. */
  void remove(long id);

  /** The {@code k} best matches, best first; ties broken by smaller id. */
  List<Hit> search(float[] query, int k);

  int size();

  @Override
  default void close() {}

  /** One match; {@code score} is the dot product. */
  record Hit(long id, double score) {}
}
