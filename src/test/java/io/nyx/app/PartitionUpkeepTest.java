package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The upkeep calls again and again, outlives a failed call, and stops when closed. */
class PartitionUpkeepTest {

  @Test
  void keepsCallingThroughFailuresUntilClosed() throws InterruptedException {
    AtomicInteger calls = new AtomicInteger();
    java.util.List<Boolean> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    PartitionUpkeep upkeep =
        PartitionUpkeep.start(
            () -> {
              if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("database away");
              }
              return 0;
            },
            Duration.ofMillis(20),
            outcomes::add);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (calls.get() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    upkeep.close();
    int stopped = calls.get();
    assertThat(stopped).as("called again after the failure").isGreaterThanOrEqualTo(4);
    Thread.sleep(200);
    assertThat(calls.get()).as("no call after close").isEqualTo(stopped);
    assertThat(outcomes).startsWith(true, false, true);
  }
}
