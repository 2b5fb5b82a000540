package io.nyx.learning;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * A read-through cache of the shared trait weights, so routing does not query PostgreSQL on every
 * request. Refreshed from the store when older than {@code maxAge} (other replicas' updates arrive
 * within that); local updates are applied at once. Thread-safe: readers see an immutable snapshot.
 */
public final class TraitWeights {
  private final TraitStore store;
  private final InstantSource clock;
  private final Duration maxAge;
  private volatile Map<String, Double> snapshot = Map.of();

  /** Clock millis after which the snapshot is stale; MIN_VALUE = never loaded. */
  private volatile long staleAtMillis = Long.MIN_VALUE;

  public TraitWeights(TraitStore store, InstantSource clock, Duration maxAge) {
    this.store = store;
    this.clock = clock;
    this.maxAge = maxAge;
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

  private synchronized void reload(long now) {
    try {
      Map<String, Double> fresh = new HashMap<>();
      store.all().forEach((name, w) -> fresh.put(name, w.weight()));
      snapshot = Map.copyOf(fresh);
    } catch (RuntimeException e) {
      // Keep routing on the last known weights while the database is away.
    }
    staleAtMillis = now + maxAge.toMillis();
  }

  /** Applies a weight this replica just wrote. */
  public synchronized void apply(TraitWeight w) {
    Map<String, Double> next = new HashMap<>(snapshot);
    next.put(w.name(), w.weight());
    snapshot = Map.copyOf(next);
  }
}
