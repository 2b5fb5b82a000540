package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The upkeep calls again and again, outlives a failed call, and stops when closed. */
class PartitionUpkeepTest {

  @Test
  void keepsCallingThroughFailuresUntilClosed() {
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
    await("called again after the failure")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> calls.get() >= 4);
    upkeep.close();
    int stopped = calls.get();
    // ten periods of 20 ms: an upkeep still running would call again in that time
    await("no call after close")
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(() -> assertThat(calls.get()).isEqualTo(stopped));
    assertThat(outcomes).startsWith(true, false, true);
  }
}
