package io.nyx.learning;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sums reward deltas per trait and applies each sum with one {@code update_trait_weight} call per
 * flush interval, instead of one locked row update (and one fsync) per answer. Under load every
 * request to a specialist would otherwise queue on that specialist's row lock.
 *
 * <p>The sum is clipped once, at flush time, rather than each delta in turn; within one interval
 * (100 ms by default, a handful of answers) the difference is at most the deltas that pushed past a
 * bound and then back. Nothing is lost if the database is briefly down: a failed flush keeps its
 * sums and retries at the next tick. The per-answer reward is also stored with each row, so the
 * weights can be recomputed from the log.
 */
public final class BatchingTraitLearner implements TraitLearner {
  private static final Logger LOG = Logger.getLogger(BatchingTraitLearner.class.getName());

  private final TraitStore store;
  private final Consumer<TraitWeight> onUpdate;
  private final Duration interval;
  private final Map<String, Double> pending = new HashMap<>();
  private final Map<String, Integer> counts = new HashMap<>();
  private final Thread flusher;
  private volatile boolean running = true;

  /**
   * @param onUpdate told of every weight written (to refresh caches and gauges)
   */
  public BatchingTraitLearner(TraitStore store, Consumer<TraitWeight> onUpdate, Duration interval) {
    this.store = store;
    this.onUpdate = onUpdate;
    this.interval = interval;
    this.flusher = Thread.ofVirtual().name("nyx-trait-flusher").start(this::loop);
  }

  @Override
  public synchronized void add(String trait, double delta, String source) {
    pending.merge(trait, delta, Double::sum);
    counts.merge(trait, 1, Integer::sum);
  }

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
    Map<String, Double> sums;
    Map<String, Integer> n;
    synchronized (this) {
      if (pending.isEmpty()) {
        return;
      }
      sums = new HashMap<>(pending);
      n = new HashMap<>(counts);
      pending.clear();
      counts.clear();
    }
    sums.forEach((trait, sum) -> apply(trait, sum, n.get(trait)));
  }

  private void apply(String trait, double sum, int answers) {
    try {
      onUpdate.accept(store.update(trait, sum, "reward", answers + " answer(s)"));
    } catch (java.util.NoSuchElementException e) {
      LOG.log(Level.WARNING, "dropping reward for unknown trait " + trait);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "trait update for " + trait + " deferred: " + e.getMessage());
      synchronized (this) {
        pending.merge(trait, sum, Double::sum);
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
