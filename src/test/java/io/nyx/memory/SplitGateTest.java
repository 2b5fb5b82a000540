package io.nyx.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SplitGateTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(5_000 * MS);
  private final SplitGate gate = new SplitGate(now::get);

  /** A single-thread run of {@code tokens} at {@code nanosPerToken}, timed by the gate. */
  private void single(int tokens, long nanosPerToken) {
    assertThat(gate.begin(tokens)).isFalse();
    gate.end(tokens, false, tokens * nanosPerToken);
  }

  /** A run the gate lets split; it took {@code nanosPerToken} per token. */
  private void split(int tokens, long nanosPerToken) {
    assertThat(gate.begin(tokens)).as("split allowed").isTrue();
    gate.end(tokens, true, tokens * nanosPerToken);
  }

  @Test
  void aLoneLongRunSplitsOnceASingleRunHasBeenTimed() {
    assertThat(gate.begin(128)).as("nothing to compare a split with yet").isFalse();
    gate.end(128, false, 128 * 50_000L);
    assertThat(gate.begin(SplitGate.MIN_TOKENS - 1)).as("too short to gain").isFalse();
    gate.end(SplitGate.MIN_TOKENS - 1, false, 1);
    split(128, 30_000);
    split(SplitGate.MIN_TOKENS, 30_000);
  }

  @Test
  void aRunBesideAnotherStaysOnOneThread() {
    single(128, 50_000);
    assertThat(gate.begin(128)).isTrue(); // a split run is in progress
    assertThat(gate.begin(128)).as("another run is in progress").isFalse();
    gate.end(128, false, 128 * 50_000L);
    gate.end(128, true, 128 * 30_000L);
    split(128, 30_000);
  }

  @Test
  void splitsThatDoNotPayCloseTheGateForLongerEachTime() {
    single(128, 50_000);
    split(128, 30_000);
    split(128, 100_000); // one stall does not close it
    split(128, 100_000); // a second in a row does
    assertClosedFor(SplitGate.BASE_BACK_OFF_NANOS);
    split(128, 30_000);
    split(128, 100_000); // reopened with a fresh average: one slow run does not close it again
    split(128, 100_000);
    assertClosedFor(2 * SplitGate.BASE_BACK_OFF_NANOS);
    for (int i = 0; i < SplitGate.SETTLED; i++) {
      split(128, 30_000);
    }
    split(128, 100_000);
    split(128, 100_000);
    assertClosedFor(SplitGate.BASE_BACK_OFF_NANOS); // it had settled: back to the base wait
  }

  /** Closed for exactly {@code nanos} from now, then open. */
  private void assertClosedFor(long nanos) {
    now.addAndGet(nanos - MS);
    assertThat(gate.begin(128)).as("still closed").isFalse();
    gate.end(128, false, 128 * 50_000L);
    now.addAndGet(MS);
  }
}
