package io.nyx.resilience;

import java.util.function.LongSupplier;

/**
 * One adapter's breaker. CLOSED counts consecutive failures; at {@code failureThreshold} it OPENs
 * and refuses calls for {@code openNanos}; then one trial call is let through (HALF_OPEN): success
 * closes it, failure opens it again. Thread-safe.
 */
public final class CircuitBreaker {
  /** The breaker's state, for metrics and messages. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int failureThreshold;
  private final long openNanos;
  private final LongSupplier nanoClock;
  private State state = State.CLOSED;
  private int failures;
  private long openedAt;
  private boolean trialInFlight;

  public CircuitBreaker(int failureThreshold, long openNanos, LongSupplier nanoClock) {
    this.failureThreshold = failureThreshold;
    this.openNanos = openNanos;
    this.nanoClock = nanoClock;
  }

  /** True when a call may go ahead now. */
  public synchronized boolean allow() {
    if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= openNanos) {
      state = State.HALF_OPEN;
      trialInFlight = false;
    }
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> {
        boolean first = !trialInFlight;
        trialInFlight = true;
        yield first;
      }
    };
  }

  public synchronized void success() {
    state = State.CLOSED;
    failures = 0;
    trialInFlight = false;
  }

  public synchronized void failure() {
    failures++;
    if (state == State.HALF_OPEN || failures >= failureThreshold) {
      state = State.OPEN;
      openedAt = nanoClock.getAsLong();
      trialInFlight = false;
    }
  }

  public synchronized State state() {
    return state;
  }

  public synchronized int failures() {
    return failures;
  }
}
