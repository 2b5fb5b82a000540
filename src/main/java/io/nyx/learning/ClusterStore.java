package io.nyx.learning;

import java.time.Instant;
import java.util.Map;

/**
 * Posteriors per query cluster, which {@link ClusterBandit} draws from: each trait's (table {@code
 * nyx_trait_clusters}, migration V50) and the base model's, under the name {@link #BASE} (table
 * {@code nyx_base_clusters}, V51). A trait's clusters belong to the trait in the {@link
 * TraitWeightStore} beside this store: they start from its weight, keep its pin and restart when it
 * is steered. Every change is atomic per (trait, cluster) and per base cluster (in PostgreSQL: one
 * row lock each), so concurrent replicas lose no update. The rules are {@link TraitPosterior}'s.
 * Thread-safe. Failures of the store raise {@link io.nyx.persistence.StoreException}.
 */
public interface ClusterStore {

  /** The name the base model's posteriors carry (not a valid specialist name). */
  String BASE = "(base)";

  /**
   * Learning per query cluster: adds evidence to the trait's posterior in {@code cluster} (created
   * from the trait's current weight on first use, see {@link TraitPosterior#newCluster}); the same
   * rules as {@link TraitWeightStore#observe}, under the trait's pin. Atomic per (trait, cluster).
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

  /** Every trait's posteriors per query cluster: trait → cluster → posterior. */
  Map<String, Map<Integer, TraitPosterior>> clusterPosteriors();

  /** The base model's posterior per query cluster. */
  Map<Integer, TraitPosterior> baseClusters();
}
