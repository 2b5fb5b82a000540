package io.nyx.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Admission, the first step of every request: the key and its scope, the key's rate and concurrency
 * limits, and a global bound on requests in flight. A full server answers at once (503 +
 * Retry-After) instead of queueing without bound. Thread-safe.
 *
 * <p>"No key exists" means "no key needed" only on a loopback listener. Reachable from the network,
 * the guard refuses every request while no key exists, decided at each request against the keys
 * known then, so revoking the last key locks the server instead of opening it.
 */
public final class Guard {
  /** Who can reach the listener; decides what an empty key list means. */
  public enum Reach {
    /** Only this machine: while no key exists, requests need none (the local default). */
    LOOPBACK,
    /** Other machines as well: a key is always required; while none exists, all are refused. */
    NETWORK
  }

  private static final String CREATE_KEY =
      "create one with './nyx keys create --name NAME --scopes infer,feedback' (in effect within"
          + " 5 s) or bind server.host to a loopback address";

  /** What to do with a request. */
  public sealed interface Verdict {}

  /** Go ahead as {@code caller}; call {@link #release()} exactly once when the request is done. */
  public record Admitted(Caller caller, Runnable onRelease) implements Verdict {
    public void release() {
      onRelease.run();
    }
  }

  /** Refuse with this status; {@code retryAfterSeconds} is 0 when retrying will not help. */
  public record Denied(int status, String type, String message, long retryAfterSeconds)
      implements Verdict {}

  private final KeyRegistry keys;
  private final Reach reach;
  private final Semaphore inFlight;
  private final int maxConcurrent;
  private final LongSupplier nanoClock;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final Map<String, Semaphore> perKey = new ConcurrentHashMap<>();
  private volatile boolean draining;

  public Guard(KeyRegistry keys, Reach reach, int maxConcurrent, LongSupplier nanoClock) {
    this.keys = keys;
    this.reach = reach;
    this.maxConcurrent = maxConcurrent;
    this.inFlight = new Semaphore(maxConcurrent);
    this.nanoClock = nanoClock;
  }

  /**
   * Stops admitting (new requests get 503) and waits until the requests in flight finish or the
   * deadline passes; true when none is left.
   */
  public boolean drain(java.time.Duration deadline) {
    draining = true;
    try {
      if (inFlight.tryAcquire(
          maxConcurrent, deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        inFlight.release(maxConcurrent);
        return true;
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public boolean keysRequired() {
    return reach == Reach.NETWORK || keys.enabled();
  }

  public Verdict admit(@Nullable String secret, Scope needed) {
    if (draining) {
      return new Denied(
          503, "service_unavailable", "Nyx is shutting down; retry on another replica", 1);
    }
    ApiKey key = null;
    if (keys.enabled()) {
      if (secret == null || secret.isBlank()) {
        return new Denied(
            401,
            "authentication_error",
            "an API key is required: send Authorization: Bearer <key>",
            0);
      }
      key = keys.find(secret).orElse(null);
      if (key == null) {
        return new Denied(
            401, "authentication_error", "the API key is not valid (unknown or revoked)", 0);
      }
      if (!key.allows(needed)) {
        return new Denied(
            403,
            "permission_error",
            "key '"
                + key.name()
                + "' lacks scope '"
                + needed.label()
                + "'; it has "
                + Scope.labels(key.scopes()),
            0);
      }
    } else if (reach == Reach.NETWORK) {
      return new Denied(
          401,
          "authentication_error",
          "Nyx is reachable from the network and no API key exists, so every request is refused; "
              + CREATE_KEY,
          0);
    }
    return key == null ? global(Caller.LOCAL, () -> {}) : limited(key);
  }

  private Verdict limited(ApiKey key) {
    long wait =
        buckets
            .computeIfAbsent(
                key.name(), n -> new TokenBucket(key.ratePerSecond(), key.burst(), nanoClock))
            .tryTake();
    if (wait > 0) {
      return new Denied(
          429,
          "rate_limit_error",
          "key '" + key.name() + "' is over its rate of " + key.ratePerSecond() + " requests/s",
          wait);
    }
    Semaphore mine = perKey.computeIfAbsent(key.name(), n -> new Semaphore(key.maxConcurrent()));
    if (!mine.tryAcquire()) {
      return new Denied(
          429,
          "rate_limit_error",
          "key '" + key.name() + "' already has " + key.maxConcurrent() + " requests in flight",
          1);
    }
    return global(Caller.of(key), mine::release);
  }

  private Verdict global(Caller caller, Runnable releaseKey) {
    if (!inFlight.tryAcquire()) {
      releaseKey.run();
      return new Denied(
          503,
          "service_unavailable",
          "Nyx is at its limit of " + maxConcurrent + " requests in flight (server.max_concurrent)",
          1);
    }
    java.util.concurrent.atomic.AtomicBoolean released =
        new java.util.concurrent.atomic.AtomicBoolean();
    return new Admitted(
        caller,
        () -> {
          if (released.compareAndSet(false, true)) {
            inFlight.release();
            releaseKey.run();
          }
        });
  }
}
