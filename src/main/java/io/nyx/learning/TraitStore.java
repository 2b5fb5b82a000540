package io.nyx.learning;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Shared trait weights and their posteriors (table {@code nyx_trait_weights}). Every change is
 * atomic per trait (in PostgreSQL: one row lock, see migration V30), so concurrent replicas lose no
 * update. The rules are {@link TraitPosterior}'s. Thread-safe. Failures of the store raise {@link
 * io.nyx.persistence.StoreException}.
 */
public interface TraitStore {

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
   * Learning per query cluster: adds evidence to the trait's posterior in {@code cluster} (created
   * from the trait's current weight on first use, see {@link TraitPosterior#newCluster}); the same
   * rules as {@link #observe}, under the trait's pin. Atomic per (trait, cluster).
   *
   * @return the cluster's posterior after the update
   * @throws java.util.NoSuchElementException when no such trait exists
   */
  TraitPosterior observeCluster(String name, int cluster, TraitEvidence evidence, Instant at);

  /**
   * Learning of the base model (the answer when routing abstains) per query cluster, for {@link
   * ClusterBandit}: the same rules as {@link #observeCluster} from the neutral prior {@link
   * ClusterBandit#BASE_PRIOR}, without pin. Atomic per cluster.
   *
   * @return the base model's posterior in the cluster after the update
   */
  TraitPosterior observeBase(int cluster, TraitEvidence evidence, Instant at);

  /**
   * Applies a journal segment (see {@link EvidenceJournal}) at once, together with the journal's
   * watermark: when segment {@code seq} of {@code journal}, or a later one, was applied before, it
   * is skipped, so a segment replayed after a crash counts once. Targets are applied in a fixed
   * order (trait, then cluster), so replicas lock rows in the same order. Evidence for a trait that
   * no longer exists is dropped.
   *
   * @return the weights after the trait-level updates (empty when skipped), to refresh caches
   */
  List<TraitWeight> applySegment(UUID journal, long seq, List<EvidenceSum> sums, Instant at);

  /** The last segment of {@code journal} applied, 0 when none. */
  long watermark(UUID journal);

  /** The base model's posterior per query cluster. */
  Map<Integer, TraitPosterior> baseClusters();

  /** The name the base model's posteriors carry (not a valid specialist name). */
  String BASE = "(base)";

  /** Every trait's posteriors per query cluster: trait → cluster → posterior. */
  Map<String, Map<Integer, TraitPosterior>> clusterPosteriors();

  /**
   * Operator steering: adds {@code delta} to the weight (clipped) and makes it the pinned prior.
   *
   * @throws java.util.NoSuchElementException when no such trait exists
   */
  TraitWeight update(String name, double delta, String source, String reason);

  /**
   * Operator steering: sets the weight (clipped) and makes it the pinned prior. Steering also
   * restarts the trait's clusters from the new weight, so no cluster can undo it later.
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
