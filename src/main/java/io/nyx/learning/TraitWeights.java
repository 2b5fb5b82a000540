package io.nyx.learning;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A read-through cache of the shared trait weights and posteriors, so routing does not query
 * PostgreSQL on every request. Refreshed from the store when older than {@code maxAge} (other
 * replicas' updates arrive within that); local weight updates are applied at once. Also the routing
 * hook for exploration ({@link #explore}). Thread-safe: readers see immutable snapshots; the random
 * generator is used under a lock.
 */
public final class TraitWeights {
  private final TraitWeightStore traitStore;
  private final ClusterStore clusterStore;
  private final InstantSource clock;
  private final Duration maxAge;
  private final ThompsonExplorer explorer;
  private final RandomGenerator rng;
  private final LearningSettings settings;
  private volatile Map<String, Double> snapshot = Map.of();
  private volatile Map<String, TraitPosterior> posteriors = Map.of();
  private volatile Map<String, Map<Integer, TraitPosterior>> clusters = Map.of();
  private volatile Map<Integer, TraitPosterior> base = Map.of();

  /** Clock millis after which the snapshot is stale; MIN_VALUE = never loaded. */
  private volatile long staleAtMillis = Long.MIN_VALUE;

  private final java.util.concurrent.locks.ReentrantLock reloading =
      new java.util.concurrent.locks.ReentrantLock();

  /** Without exploration. */
  public TraitWeights(
      TraitWeightStore traitStore,
      ClusterStore clusterStore,
      InstantSource clock,
      Duration maxAge) {
    this(
        traitStore,
        clusterStore,
        clock,
        maxAge,
        ThompsonExplorer.OFF,
        RandomGenerator.of("L64X128MixRandom"),
        LearningSettings.DEFAULT);
  }

  /**
   * @param traitStore the trait-level posteriors (and weights)
   * @param clusterStore the per-cluster posteriors of the traits in {@code traitStore} and of the
   *     base model
   */
  public TraitWeights(
      TraitWeightStore traitStore,
      ClusterStore clusterStore,
      InstantSource clock,
      Duration maxAge,
      ThompsonExplorer explorer,
      RandomGenerator rng,
      LearningSettings settings) {
    this.traitStore = traitStore;
    this.clusterStore = clusterStore;
    this.clock = clock;
    this.maxAge = maxAge;
    this.explorer = explorer;
    this.rng = rng;
    this.settings = settings;
  }

  /**
   * Current weights by specialist; reloads when stale. Falls back to the last snapshot on error.
   */
  public Map<String, Double> current() {
    long now = clock.millis();
    if (now >= staleAtMillis) {
      reload(now);
    }
    return snapshot;
  }

  /**
   * One caller reloads; the others keep routing on the snapshot meanwhile instead of queueing
   * behind it (while the database is away a reload waits for the pool's timeout, and every request
   * would wait in turn).
   */
  private void reload(long now) {
    if (!reloading.tryLock()) {
      return;
    }
    try {
      if (now >= staleAtMillis) {
        load(now);
      }
    } finally {
      reloading.unlock();
    }
  }

  private void load(long now) {
    try {
      Map<String, TraitPosterior> fresh = traitStore.posteriors();
      Map<String, Map<Integer, TraitPosterior>> inClusters = clusterStore.clusterPosteriors();
      Map<Integer, TraitPosterior> inBase = clusterStore.baseClusters();
      Map<String, Double> w = new HashMap<>();
      fresh.forEach((name, p) -> w.put(name, p.weight()));
      snapshot = Map.copyOf(w);
      posteriors = Map.copyOf(fresh);
      clusters = Map.copyOf(inClusters);
      base = Map.copyOf(inBase);
    } catch (RuntimeException e) {
      // Keep routing on the last known weights while the database is away.
    }
    staleAtMillis = now + maxAge.toMillis();
  }

  /**
   * The answer to a routed query of {@code cluster} (≥ 0) by the contextual bandit ({@link
   * ClusterBandit}): a Thompson draw over the {@code admissible} specialists and the base model on
   * the shared per-cluster posteriors; empty = the base model.
   */
  public Optional<String> choose(
      ClusterBandit bandit, int cluster, List<String> admissible, Optional<String> routed) {
    current();
    ClusterBandit.State state = new ClusterBandit.State(posteriors, clusters, base, settings);
    synchronized (rng) {
      return bandit.choose(cluster, admissible, routed, state, clock.instant(), rng);
    }
  }

  /** Per-cluster posteriors as of the last reload. */
  public Map<String, Map<Integer, TraitPosterior>> clusters() {
    current();
    return clusters;
  }

  /** Applies a weight this replica just wrote. */
  public synchronized void apply(TraitWeight w) {
    Map<String, Double> next = new HashMap<>(snapshot);
    next.put(w.name(), w.weight());
    snapshot = Map.copyOf(next);
  }

  /**
   * The specialist that answers a routed (not forced) request: the router's choice, or, within the
   * exploration budget, a Thompson draw among plausible specialists ({@link ThompsonExplorer}).
   */
  public Optional<String> explore(Map<String, Double> scores, Optional<String> chosen) {
    if (explorer.budget() == 0 || chosen.isEmpty()) {
      return chosen;
    }
    current();
    synchronized (rng) {
      return explorer.choose(scores, chosen, posteriors, settings, rng);
    }
  }
}
