package io.nyx.learning;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Shared trait weights (table {@code nyx_trait_weights}). Every change goes through the SQL
 * function {@code update_trait_weight}, so concurrent replicas lose no update. Thread-safe.
 * Failures of the store raise {@link io.nyx.persistence.StoreException}.
 */
public interface TraitStore {

  /**
   * Creates the trait with its initial weight and bounds if absent; never changes an existing one.
   */
  void ensure(String name, double initialWeight, double min, double max);

  /** All traits by name. */
  Map<String, TraitWeight> all();

  Optional<TraitWeight> find(String name);

  /**
   * Adds {@code delta}, clipped to the trait's bounds, atomically, and records the change.
   *
   * @throws java.util.NoSuchElementException when no such trait exists
   */
  TraitWeight update(String name, double delta, String source, String reason);

  /** Sets the weight (clipped to bounds) as an operator would, recording the change. */
  TraitWeight set(String name, double weight, String source, String reason);

  /** Newest first. */
  List<TraitChange> history(String name, int limit);
}
