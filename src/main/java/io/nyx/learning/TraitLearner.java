package io.nyx.learning;

/**
 * Receives the evidence that answers earn about their specialist. Implementations may apply them
 * later (in batches); {@link #close()} applies whatever is pending. Thread-safe.
 */
public interface TraitLearner extends AutoCloseable {

  /** Adds evidence about the trait's specialist, earned because of {@code source}. */
  void add(String trait, TraitEvidence evidence, String source);

  /** Adds evidence about the trait's specialist on queries of one cluster ({@code >= 0}). */
  void addInCluster(String trait, int cluster, TraitEvidence evidence);

  /** Applies pending changes now and stops. */
  @Override
  void close();
}
