package io.nyx.context.time;

/**
 * How soon the person needs the answer, and the latency budget that follows from it. Answers slower
 * than the budget are penalised in the reward (the seed's "penalty for delay").
 */
public enum Urgency {
  LOW(120_000),
  NORMAL(30_000),
  HIGH(8_000),
  CRITICAL(3_000);

  private final long budgetMs;

  Urgency(long budgetMs) {
    this.budgetMs = budgetMs;
  }

  /** Whole-request latency (milliseconds) above which the reward is cut. */
  public long budgetMs() {
    return budgetMs;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
