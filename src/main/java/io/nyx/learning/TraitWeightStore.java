package io.nyx.learning;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Shared trait weights, their posteriors and their history (tables {@code nyx_trait_weights} and
 * {@code nyx_trait_weight_history}): learning from observations and operator steering. Every change
 * is atomic per trait (in PostgreSQL: one row lock, see migration V30) and writes its history row
 * with it, so concurrent replicas lose no update. The rules are {@link TraitPosterior}'s.
 * Thread-safe. Failures of the store raise {@link io.nyx.persistence.StoreException}.
 */
public interface TraitWeightStore {

  /**
   * Creates the trait with its initial weight and bounds if absent; never changes an existing one.
   */
  void ensure(String name, double initialWeight, double min, double max);

  /** Makes {@code settings} the learning settings every replica uses from now on. */
  void configure(LearningSettings settings);

  /** The settings in force. */
  LearningSettings settings();

  /** All traits by name. */
  Map<String, TraitWeight> all();

  Optional<TraitWeight> find(String name);

  /** All posteriors by name. */
  Map<String, TraitPosterior> posteriors();

  /**
   * Learning: adds evidence observed at {@code at} and moves the weight toward the posterior mean.
   *
   * @throws java.util.NoSuchElementException when no such trait exists
   */
  TraitWeight observe(
      String name, TraitEvidence evidence, Instant at, String source, String reason);

  /**
   * Operator steering: adds {@code delta} to the weight (clipped) and makes it the pinned prior.
   *
   * @throws java.util.NoSuchElementException when no such trait exists
   */
  TraitWeight update(String name, double delta, String source, String reason);

  /**
   * Operator steering: sets the weight (clipped) and makes it the pinned prior. Steering also
   * restarts the trait's clusters ({@link ClusterStore}) from the new weight, so no cluster can
   * undo it later.
   */
  TraitWeight set(String name, double weight, String source, String reason);

  /** Newest first. */
  List<TraitChange> history(String name, int limit);

  /**
   * Stated confidence and human rating of the newest {@code limit} rated answers of the specialist,
   * for calibration; empty where the store keeps no answers.
   */
  List<Calibration.Outcome> outcomes(String name, int limit);
}
