package io.nyx.learning;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sums evidence per trait (and per trait and query cluster) and applies each sum with one {@code
 * update_trait_posterior} call per flush interval, instead of one locked row update (and one fsync)
 * per answer. Under load every request to a specialist would otherwise queue on that specialist's
 * row lock.
 *
 * <p>Evidence adds up exactly, so batching loses nothing; only the decay and the weight step are
 * applied once per batch instead of once per answer, which within one interval (100 ms by default)
 * differs by a decay factor of at most {@code 2^(-0.1 s / half-life)}. Nothing is lost if the
 * database is briefly down: a failed flush keeps its sums and retries at the next tick. The
 * per-answer reward is also stored with each row, so the weights can be recomputed from the log.
 */
public final class BatchingTraitLearner implements TraitLearner {
  private static final Logger LOG = Logger.getLogger(BatchingTraitLearner.class.getName());

  private final TraitStore store;
  private final Consumer<TraitWeight> onUpdate;
  private final Duration interval;
  private final InstantSource clock;
  private final Map<String, TraitEvidence> pending = new HashMap<>();
  private final Map<String, Integer> counts = new HashMap<>();
  private final Map<InCluster, TraitEvidence> pendingClusters = new HashMap<>();
  private final Thread flusher;
  private volatile boolean running = true;

  /**
   * @param onUpdate told of every weight written (to refresh caches and gauges)
   * @param clock the time a batch is observed at (its evidence decays from then)
   */
  public BatchingTraitLearner(
      TraitStore store, Consumer<TraitWeight> onUpdate, Duration interval, InstantSource clock) {
    this.store = store;
    this.clock = clock;
    this.onUpdate = onUpdate;
    this.interval = interval;
    this.flusher = Thread.ofVirtual().name("nyx-trait-flusher").start(this::loop);
  }

  @Override
  public synchronized void add(String trait, TraitEvidence evidence, String source) {
    pending.merge(trait, evidence, TraitEvidence::plus);
    counts.merge(trait, 1, Integer::sum);
  }

  @Override
  public synchronized void addInCluster(String trait, int cluster, TraitEvidence evidence) {
    if (cluster < 0) {
      throw new IllegalArgumentException("cluster must be >= 0 but was " + cluster);
    }
    pendingClusters.merge(new InCluster(trait, cluster), evidence, TraitEvidence::plus);
  }

  /** A (trait, cluster) key of pending evidence. */
  private record InCluster(String trait, int cluster) {}

  private void loop() {
    while (running) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      flush();
    }
  }

  /** Applies every pending sum; sums that fail stay pending. */
  public void flush() {
    Map<String, TraitEvidence> sums;
    Map<String, Integer> n;
    Map<InCluster, TraitEvidence> clusterSums;
    synchronized (this) {
      sums = new HashMap<>(pending);
      n = new HashMap<>(counts);
      clusterSums = new HashMap<>(pendingClusters);
      pending.clear();
      counts.clear();
      pendingClusters.clear();
    }
    sums.forEach((trait, sum) -> apply(trait, sum, n.get(trait)));
    clusterSums.forEach(this::apply);
  }

  private void apply(InCluster key, TraitEvidence sum) {
    try {
      if (key.trait().equals(TraitStore.BASE)) {
        store.observeBase(key.cluster(), sum, clock.instant());
      } else {
        store.observeCluster(key.trait(), key.cluster(), sum, clock.instant());
      }
    } catch (java.util.NoSuchElementException e) {
      LOG.log(Level.WARNING, "dropping reward for unknown trait " + key.trait());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cluster update for " + key + " deferred: " + e.getMessage());
      synchronized (this) {
        pendingClusters.merge(key, sum, TraitEvidence::plus);
      }
    }
  }

  private void apply(String trait, TraitEvidence sum, int answers) {
    try {
      onUpdate.accept(store.observe(trait, sum, clock.instant(), "reward", answers + " answer(s)"));
    } catch (java.util.NoSuchElementException e) {
      LOG.log(Level.WARNING, "dropping reward for unknown trait " + trait);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "trait update for " + trait + " deferred: " + e.getMessage());
      synchronized (this) {
        pending.merge(trait, sum, TraitEvidence::plus);
        counts.merge(trait, answers, Integer::sum);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    flusher.interrupt();
    try {
      flusher.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
