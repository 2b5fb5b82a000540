package io.nyx.app;

import io.nyx.api.Readiness;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * {@code /ready} is unauthenticated, and each answer probes PostgreSQL and every model server: a
 * flood of calls must not become a flood of probes. Calls within {@code ttl} of the last probe's
 * end get its result; concurrent calls after that wait for one probe and share it (the probe bounds
 * its own time, see {@link DependencyChecks}). So the probes run at most once per {@code ttl} plus
 * their own duration, however often {@code /ready} is called. Thread-safe.
 */
final class CachedReadiness implements Readiness {
  private final Readiness probe;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final ReentrantLock lock = new ReentrantLock(); // a lock, not a monitor: callers are
  // virtual threads, which a monitor wait would pin to their carrier on JDK 21
  private Map<String, Check> last = Map.of(); // guarded by lock
  private long lastNanos;
  private boolean probed;

  CachedReadiness(Readiness probe, Duration ttl, LongSupplier nanoClock) {
    this.probe = probe;
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
  }

  @Override
  public Map<String, Check> check() {
    lock.lock();
    try {
      if (!probed || nanoClock.getAsLong() - lastNanos >= ttlNanos) {
        last = Collections.unmodifiableMap(new LinkedHashMap<>(probe.check()));
        lastNanos = nanoClock.getAsLong();
        probed = true;
      }
      return last;
    } finally {
      lock.unlock();
    }
  }
}
