package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.api.Readiness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedReadinessTest {
  private final AtomicLong now = new AtomicLong(); // ns
  private final AtomicInteger probes = new AtomicInteger();

  private Map<String, Readiness.Check> probe() {
    return Map.of("database", new Readiness.Check(true, "probe " + probes.incrementAndGet()));
  }

  @Test
  void callsWithinOneSecondShareTheLastProbe() {
    CachedReadiness ready = new CachedReadiness(this::probe, Duration.ofSeconds(1), now::get);
    for (int i = 0; i < 1_000; i++) {
      ready.check();
    }
    assertThat(probes).hasValue(1);
    now.addAndGet(999_999_999);
    assertThat(ready.check().get("database").detail()).isEqualTo("probe 1");
    now.addAndGet(1);
    assertThat(ready.check().get("database").detail()).isEqualTo("probe 2");
  }

  /** Callers that arrive while a probe runs wait for it and take its answer: one probe for all. */
  @Test
  void concurrentCallersShareOneProbe() throws Exception {
    CountDownLatch probing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Readiness slow =
        () -> {
          probing.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return probe();
        };
    CachedReadiness ready = new CachedReadiness(slow, Duration.ofSeconds(1), now::get);
    List<Future<Map<String, Readiness.Check>>> calls = new ArrayList<>();
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 100; i++) {
        calls.add(callers.submit(ready::check));
      }
      probing.await();
      release.countDown();
      for (var f : calls) {
        assertThat(f.get().get("database").detail()).isEqualTo("probe 1");
      }
    }
    assertThat(probes).hasValue(1);
  }
}
