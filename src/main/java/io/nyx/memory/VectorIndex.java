package io.nyx.memory;

import java.util.List;

/**
 * Nearest neighbours by dot product over unit vectors (= cosine), each vector filed under its
 * {@link Owner} so a search returns only what its {@link Audience} may see. Filtering happens
 * inside the search, not after it: a tenant with a few memories among millions still gets its
 * {@code k} best. Thread-safe: adds, removes and searches may run concurrently; a search sees every
 * add and remove that returned before it began. The caller closes the index.
 */
public interface VectorIndex extends AutoCloseable {

  /** Adds {@code id}, or replaces its vector and owner when it is already present. */
  void add(long id, float[] vector, Owner owner);

  /** Removes {@code id}; nothing happens when it is absent. */
  void remove(long id);

  /** The {@code k} best matches {@code audience} may see, best first; ties broken by smaller id. */
  List<Hit> search(float[] query, int k, Audience audience);

  /** The {@code k} best matches of every owner. */
  default List<Hit> search(float[] query, int k) {
    return search(query, k, Audience.EVERYONE);
  }

  int size();

  @Override
  default void close() {}

  /** One match; {@code score} is the dot product. */
  record Hit(long id, double score) {}
}
