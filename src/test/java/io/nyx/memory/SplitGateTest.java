package io.nyx.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SplitGateTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(5_000 * MS);
  private final SplitGate gate = new SplitGate(now::get);

  /** A run of {@code tokens} taking {@code nanosPerToken} per token, alone; whether it split. */
  private boolean run(int tokens, long nanosPerToken) {
    SplitGate.Ticket t = gate.begin(tokens);
    now.addAndGet(tokens * nanosPerToken);
    gate.end(t, true);
    return t.split();
  }

  private void single(int tokens, long nanosPerToken) {
    assertThat(run(tokens, nanosPerToken)).as("on one thread").isFalse();
  }

  private void split(int tokens, long nanosPerToken) {
    assertThat(run(tokens, nanosPerToken)).as("split allowed").isTrue();
  }

  @Test
  void aLoneLongRunSplitsOnceASingleRunHasBeenTimed() {
    single(128, 50_000); // nothing to compare a split with yet
    single(SplitGate.MIN_TOKENS - 1, 50_000); // too short to gain
    split(128, 30_000);
    split(SplitGate.MIN_TOKENS, 30_000);
    assertThat(gate.splitRuns()).isEqualTo(2);
  }

  @Test
  void aRunBesideAnotherStaysOnOneThread() {
    single(128, 50_000);
    SplitGate.Ticket first = gate.begin(128);
    SplitGate.Ticket second = gate.begin(128);
    assertThat(first.split()).isTrue();
    assertThat(second.split()).as("another run is in progress").isFalse();
    gate.end(second, true);
    gate.end(first, true);
    split(128, 30_000);
  }

  @Test
  void onlySingleRunsThatHadTheProcessToThemselvesSetTheBar() {
    single(128, 50_000);
    for (int i = 0; i < 50; i++) { // slow single runs beside a split one: not a measure of one core
      SplitGate.Ticket lone = gate.begin(128);
      SplitGate.Ticket company = gate.begin(128);
      now.addAndGet(128 * 30_000L);
      gate.end(lone, true);
      now.addAndGet(128 * 500_000L);
      gate.end(company, true);
    }
    int paying = 0;
    while (run(128, 45_000)) { // 0.9 of the lone single run's time: not paying
      paying++;
      assertThat(paying).as("closes: the bar stayed at the lone run's 50 us").isLessThan(12);
    }
  }

  @Test
  void aFailedRunTeachesNothing() {
    single(128, 50_000);
    for (int i = 0; i < 3; i++) {
      SplitGate.Ticket failed = gate.begin(128);
      now.addAndGet(128 * 900_000L);
      gate.end(failed, false);
    }
    split(128, 30_000);
    split(128, 30_000);
  }

  @Test
  void splitsThatDoNotPayCloseTheGateForLongerEachTimeUpToTheCap() {
    single(128, 50_000);
    split(128, 30_000);
    split(128, 100_000); // one stall does not close it
    split(128, 100_000); // a second in a row does
    long wait = SplitGate.BASE_BACK_OFF_NANOS;
    for (int round = 0; round < 8; round++) {
      assertClosedFor(wait);
      split(128, 100_000); // reopened with a fresh average: one slow run does not close it again
      split(128, 100_000);
      wait = Math.min(2 * wait, SplitGate.MAX_BACK_OFF_NANOS);
    }
    assertThat(wait).isEqualTo(SplitGate.MAX_BACK_OFF_NANOS);
    assertClosedFor(SplitGate.MAX_BACK_OFF_NANOS);
    for (int i = 0; i < SplitGate.SETTLED; i++) {
      split(128, 30_000);
    }
    split(128, 100_000);
    split(128, 100_000);
    assertClosedFor(SplitGate.BASE_BACK_OFF_NANOS); // it had settled: back to the base wait
  }

  @Test
  void aSlowSplitBreaksTheRunOfPayingOnes() {
    single(128, 50_000);
    split(128, 100_000);
    split(128, 100_000);
    assertClosedFor(SplitGate.BASE_BACK_OFF_NANOS); // back-off now doubled
    for (int i = 0; i < SplitGate.SETTLED - 1; i++) {
      split(128, 30_000);
    }
    split(128, 45_000); // does not pay, does not close: the count starts again
    for (int i = 0; i < 4; i++) {
      split(128, 30_000);
    }
    split(128, 100_000);
    split(128, 100_000);
    assertClosedFor(2 * SplitGate.BASE_BACK_OFF_NANOS); // not settled: still doubled
  }

  /** Closed for exactly {@code nanos} from now, then open. */
  private void assertClosedFor(long nanos) {
    now.addAndGet(nanos - MS);
    SplitGate.Ticket t = gate.begin(128);
    assertThat(t.split()).as("still closed").isFalse();
    gate.end(t, false); // a failed run: teaches the averages nothing
    now.addAndGet(MS);
  }
}
