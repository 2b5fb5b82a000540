package io.nyx.resilience;

import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One adapter's breaker. CLOSED counts consecutive failures; at {@code failureThreshold} it OPENs
 * and refuses calls for {@code openNanos}; then one trial call is let through (HALF_OPEN): success
 * closes it, failure opens it again for another {@code openNanos}.
 *
 * <p>Every call let through holds a {@link Permit}, which the caller must close
 * (try-with-resources) whatever happens: a permit closed without a {@link Verdict} is released, so
 * no outcome, however unexpected, can leave a trial in flight for good. A verdict only counts in
 * the state the permit was handed out in: a call let through before the breaker last changed state
 * says nothing about the adapter now (it neither reopens a closed breaker nor decides a later
 * trial). Thread-safe.
 */
public final class CircuitBreaker {
  /** The breaker's state, for metrics and messages. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  /** What one call let through says about the adapter. */
  public enum Verdict {
    /** It answered: closes a half-open breaker and ends a run of failures. */
    SUCCESS,
    /** It failed: one more consecutive failure; a failed trial opens the breaker again. */
    FAILURE,
    /**
     * It answered that it cannot serve now (an adapter that is not loaded): a failed trial, but no
     * step towards opening a closed breaker, since each such call falls back on its own after one
     * quick round trip, and the adapter is used again as soon as it is back.
     */
    ABSENT,
    /**
     * Nothing is known about the adapter (the client went away, the caller was interrupted, the
     * request itself was refused, Nyx failed): the permit is given back and nothing is counted.
     */
    NONE
  }

  private final int failureThreshold;
  private final long openNanos;
  private final LongSupplier nanoClock;
  private State state = State.CLOSED;
  private int failures;
  private long openedAt;
  private boolean trialInFlight;
  // Counts changes of state; a permit from an earlier one is stale and its verdict is ignored.
  private long epoch;

  public CircuitBreaker(int failureThreshold, long openNanos, LongSupplier nanoClock) {
    this.failureThreshold = failureThreshold;
    this.openNanos = openNanos;
    this.nanoClock = nanoClock;
  }

  /**
   * A permit for one call now, or null when the breaker is open or its one trial is in flight. The
   * caller must close the permit, after recording a verdict if there is one.
   */
  public synchronized @Nullable Permit tryAcquire() {
    if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= openNanos) {
      enter(State.HALF_OPEN);
    }
    return switch (state) {
      case CLOSED -> new Permit(epoch, false);
      case OPEN -> null;
      case HALF_OPEN -> {
        if (trialInFlight) {
          yield null;
        }
        trialInFlight = true;
        yield new Permit(epoch, true);
      }
    };
  }

  private synchronized void settle(Permit permit, Verdict verdict) {
    if (permit.settled) {
      return;
    }
    permit.settled = true;
    if (permit.epoch != epoch) {
      return;
    }
    if (permit.trial) {
      trialInFlight = false;
    }
    switch (verdict) {
      case SUCCESS -> {
        failures = 0;
        enter(State.CLOSED);
      }
      case FAILURE -> {
        failures++;
        if (permit.trial || failures >= failureThreshold) {
          open();
        }
      }
      case ABSENT -> {
        if (permit.trial) {
          failures++;
          open();
        }
      }
      case NONE -> {}
    }
  }

  private void open() {
    openedAt = nanoClock.getAsLong();
    enter(State.OPEN);
  }

  private void enter(State next) {
    if (next != state) {
      state = next;
      epoch++;
      trialInFlight = false;
    }
  }

  public synchronized State state() {
    return state;
  }

  /** Consecutive failures, for messages; reset by a success. */
  public synchronized int failures() {
    return failures;
  }

  /**
   * Leave to make one call. The first verdict recorded counts and later ones are ignored; {@link
   * #close()} without one releases the permit ({@link Verdict#NONE}). Used by the thread that
   * acquired it.
   */
  public final class Permit implements AutoCloseable {
    private final long epoch;
    private final boolean trial;
    private boolean settled; // guarded by the breaker's lock

    private Permit(long epoch, boolean trial) {
      this.epoch = epoch;
      this.trial = trial;
    }

    /** Records what the call said about the adapter. */
    public void record(Verdict verdict) {
      settle(this, verdict);
    }

    /** True for the one call let through while the breaker is half-open. */
    public boolean trial() {
      return trial;
    }

    /** Releases the permit unless a verdict was recorded. */
    @Override
    public void close() {
      settle(this, Verdict.NONE);
    }
  }
}
