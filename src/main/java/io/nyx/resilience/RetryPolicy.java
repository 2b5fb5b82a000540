package io.nyx.resilience;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When and how long to wait before retrying a call that failed before its first byte. Exponential
 * backoff with full jitter: attempt {@code n} (1-based) waits a uniform time in {@code [0, min(cap,
 * base·2^(n−1))]}. A retry budget keeps retries to a share of all calls, so a struggling backend is
 * not hit with a multiple of its load: every call earns {@code budgetRatio} tokens (up to {@code
 * MAX_TOKENS}); every retry spends one. Thread-safe.
 */
public final class RetryPolicy {
  static final double MAX_TOKENS = 10;

  private final int maxRetries;
  private final Duration base;
  private final Duration cap;
  private final double budgetRatio;
  private final RandomGenerator random;
  private double tokens = MAX_TOKENS;

  public RetryPolicy(
      int maxRetries, Duration base, Duration cap, double budgetRatio, RandomGenerator random) {
    this.maxRetries = maxRetries;
    this.base = base;
    this.cap = cap;
    this.budgetRatio = budgetRatio;
    this.random = random;
  }

  /** Called once per call (not per attempt): earns budget. */
  public synchronized void onCall() {
    tokens = Math.min(MAX_TOKENS, tokens + budgetRatio);
  }

  /** May attempt {@code attempt + 1} happen? Spends budget when it may. */
  public synchronized boolean mayRetry(int attemptsSoFar) {
    if (attemptsSoFar > maxRetries || tokens < 1 - 1e-9) {
      return false;
    }
    tokens = Math.max(0, tokens - 1);
    return true;
  }

  /** The wait before retry number {@code retry} (1-based). */
  public synchronized Duration backoff(int retry) {
    long ceiling = Math.min(cap.toNanos(), base.toNanos() << Math.min(30, retry - 1));
    return Duration.ofNanos(ceiling <= 0 ? 0 : random.nextLong(ceiling + 1));
  }
}
