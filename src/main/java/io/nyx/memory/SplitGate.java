package io.nyx.memory;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Decides whether one MiniLM run may take both cores. A lone long text embeds in 3.9 ms over two
 * spinning threads against 7.0 ms on one (128 tokens, this machine's cores), for about 11 % more
 * CPU; but a split run needs both cores free. So it is allowed only when the text is long enough to
 * gain ({@link #MIN_TOKENS}: at 24 tokens the hand-offs made p90 worse), no other run is in
 * progress (concurrent callers already use the cores), and split runs have been paying: when their
 * moving average per token exceeds {@link #PAYING} of a single-thread run's (also a moving average,
 * of runs that had the process to themselves, measured as it runs), something else holds a core —
 * beside one busy thread a split 128-token run took 8–17 ms — and splitting stops for a while:
 * {@link #BASE_BACK_OFF_NANOS} at first, doubling while it keeps not paying, up to {@link
 * #MAX_BACK_OFF_NANOS}; back to the base after {@link #SETTLED} split runs in a row that paid.
 *
 * <p>Callers bracket every run with {@link #begin} and {@link #end}; the gate times the run with
 * its clock. Thread-safe.
 */
final class SplitGate {
  static final int MIN_TOKENS = 64;
  static final double PAYING = 0.8;
  static final long BASE_BACK_OFF_NANOS = 100_000_000L;
  static final long MAX_BACK_OFF_NANOS = 5_000_000_000L;
  static final int SETTLED = 16;

  /** Where the split average starts each time the gate opens: a split's usual share. */
  static final double FRESH = 0.6;

  /** Weight of the newest single-thread run in its moving average. */
  private static final double ALPHA = 0.1;

  /**
   * Weight of the newest split run in its moving average. With samples capped at twice the average
   * and a fresh start at {@link #FRESH}, one stall (a garbage collection, the JIT compiler) cannot
   * close the gate; two slow runs in a row do.
   */
  private static final double SPLIT_ALPHA = 0.25;

  /** A begun run: whether it splits, and what {@link #end} needs to judge it. */
  record Ticket(int tokens, boolean split, boolean alone, long serial, long startedAt) {}

  private final LongSupplier nanoTime;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong begun = new AtomicLong();
  private final AtomicLong splitRuns = new AtomicLong();
  private final AtomicLong singleNanosPerToken = new AtomicLong(); // 0: none measured yet
  private final AtomicLong splitNanosPerToken = new AtomicLong(); // 0: none since (re)opening
  private final AtomicLong closedUntil;
  private final AtomicLong backOff = new AtomicLong(BASE_BACK_OFF_NANOS);
  private final AtomicInteger paidInARow = new AtomicInteger();

  SplitGate(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.closedUntil = new AtomicLong(nanoTime.getAsLong()); // open from the start
  }

  /** A run of {@code tokens} starts now. */
  Ticket begin(int tokens) {
    boolean alone = running.getAndIncrement() == 0;
    long serial = begun.incrementAndGet();
    // Until a single-thread run of some length has been timed there is nothing to compare a split
    // run with, so the first long run goes on one thread.
    boolean split =
        alone
            && tokens >= MIN_TOKENS
            && singleNanosPerToken.get() > 0
            && nanoTime.getAsLong() - closedUntil.get() >= 0;
    if (split) {
      splitRuns.incrementAndGet();
    }
    return new Ticket(tokens, split, alone, serial, nanoTime.getAsLong());
  }

  /** The run of {@code t} ended; {@code ok} false when it failed (its time then says nothing). */
  void end(Ticket t, boolean ok) {
    running.decrementAndGet();
    if (!ok) {
      return;
    }
    long perToken = (nanoTime.getAsLong() - t.startedAt()) / Math.max(1, t.tokens());
    // A split that got company is judged all the same (company is contention); a single run that
    // shared the process with another (begun before or during it) is slow for reasons of its own
    // and would raise the bar splits are held to, so only lone ones set it.
    boolean hadItAlone = t.alone() && begun.get() == t.serial();
    if (t.split()) {
      judgeSplit(perToken);
    } else if (hadItAlone && t.tokens() >= MIN_TOKENS / 2) {
      average(singleNanosPerToken, perToken, ALPHA);
    }
  }

  /** Runs the gate let split since it was made. */
  long splitRuns() {
    return splitRuns.get();
  }

  private void judgeSplit(long perToken) {
    double paying = PAYING * singleNanosPerToken.get();
    splitNanosPerToken.compareAndSet(0, Math.round(FRESH * singleNanosPerToken.get()));
    if (average(splitNanosPerToken, perToken, SPLIT_ALPHA) > paying) {
      splitNanosPerToken.set(0);
      paidInARow.set(0);
      long wait = backOff.getAndUpdate(b -> Math.min(2 * b, MAX_BACK_OFF_NANOS));
      closedUntil.set(nanoTime.getAsLong() + wait);
    } else if (perToken > paying) {
      paidInARow.set(0);
    } else if (paidInARow.incrementAndGet() >= SETTLED) {
      paidInARow.set(0);
      backOff.set(BASE_BACK_OFF_NANOS);
    }
  }

  /**
   * Moves the average toward {@code sample}, taken as at most twice the average (the sample itself
   * when there is none yet); returns the new value.
   */
  private static long average(AtomicLong avg, long sample, double alpha) {
    return avg.updateAndGet(
        old -> old == 0 ? sample : Math.round(old + alpha * (Math.min(sample, 2 * old) - old)));
  }
}
