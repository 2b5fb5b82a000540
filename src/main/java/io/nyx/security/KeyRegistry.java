package io.nyx.security;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The keys that are valid now: those from the configuration plus the active ones in the database,
 * reloaded when older than {@code maxAge} (a revocation on another replica takes effect within
 * that). Lookups are by hash, so secrets are never held. Thread-safe.
 */
public final class KeyRegistry {
  private static final Logger LOG = Logger.getLogger(KeyRegistry.class.getName());

  private final List<ApiKey> configured;
  private final KeyStore store;
  private final InstantSource clock;
  private final Duration maxAge;
  private volatile Map<String, ApiKey> byHash = Map.of();

  /** Clock millis after which the cache is stale; MIN_VALUE = never loaded. */
  private volatile long staleAt = Long.MIN_VALUE;

  private final java.util.concurrent.locks.ReentrantLock reloading =
      new java.util.concurrent.locks.ReentrantLock();

  public KeyRegistry(
      List<ApiKey> configured, KeyStore store, InstantSource clock, Duration maxAge) {
    this.configured = List.copyOf(configured);
    this.store = store;
    this.clock = clock;
    this.maxAge = maxAge;
  }

  /** True when any key exists: then every guarded request needs one. */
  public boolean enabled() {
    return !current().isEmpty();
  }

  public Optional<ApiKey> find(String secret) {
    return Optional.ofNullable(current().get(KeySecrets.sha256(secret)));
  }

  /** Forgets the cache, so the next lookup reads the database (after create/revoke here). */
  public void invalidate() {
    staleAt = Long.MIN_VALUE;
  }

  private Map<String, ApiKey> current() {
    long now = clock.millis();
    if (now >= staleAt) {
      reload(now);
    }
    return byHash;
  }

  /**
   * The first load blocks every caller (no keys known yet must not mean "open"); later reloads are
   * done by one caller while the others use the keys already known, so a database outage costs one
   * request per {@code maxAge} a pool timeout instead of every request.
   */
  private void reload(long now) {
    if (staleAt == Long.MIN_VALUE) {
      reloading.lock();
    } else if (!reloading.tryLock()) {
      return;
    }
    try {
      if (now >= staleAt) {
        load(now);
      }
    } finally {
      reloading.unlock();
    }
  }

  private void load(long now) {
    Map<String, ApiKey> next = new HashMap<>();
    configured.forEach(k -> next.put(k.sha256(), k));
    try {
      store.active().forEach(k -> next.put(k.sha256(), k));
    } catch (RuntimeException e) {
      // Keep the database keys we knew: a brief outage must not lock every client out.
      LOG.log(Level.WARNING, "cannot reload API keys: " + e.getMessage());
      byHash.values().forEach(k -> next.putIfAbsent(k.sha256(), k));
    }
    byHash = Map.copyOf(next);
    staleAt = now + maxAge.toMillis();
  }
}
