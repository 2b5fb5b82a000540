package io.nyx.resilience;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** One {@link CircuitBreaker} per backend and model (adapter), created on first use. */
public final class Breakers {
  private final int failureThreshold;
  private final long openNanos;
  private final LongSupplier nanoClock;
  private final Map<String, CircuitBreaker> byKey = new ConcurrentHashMap<>();

  public Breakers(int failureThreshold, long openNanos, LongSupplier nanoClock) {
    this.failureThreshold = failureThreshold;
    this.openNanos = openNanos;
    this.nanoClock = nanoClock;
  }

  public CircuitBreaker of(String backendUrl, String model) {
    return byKey.computeIfAbsent(
        backendUrl + "|" + model, k -> new CircuitBreaker(failureThreshold, openNanos, nanoClock));
  }
}
