package io.nyx.learning;

/**
 * Receives the trait-weight changes that answers earn. Implementations may apply them later (in
 * batches); {@link #close()} applies whatever is pending. Thread-safe.
 */
public interface TraitLearner extends AutoCloseable {

  /** Asks for {@code delta} to be added to the trait's weight, because of {@code source}. */
  void add(String trait, double delta, String source);

  /** Applies pending changes now and stops. */
  @Override
  void close();
}
