package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TraitWeightsTest {
  private final AtomicLong millis = new AtomicLong(1_000_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(millis.get());
  private final AtomicInteger loads = new AtomicInteger();

  private final BatchingTraitLearnerTest.MemoryStore store =
      new BatchingTraitLearnerTest.MemoryStore() {
        @Override
        public Map<String, TraitWeight> all() {
          loads.incrementAndGet();
          return Map.of("a", new TraitWeight("a", weights.get("a"), 0, 1, Instant.EPOCH));
        }
      };

  @Test
  void loadsOnFirstUseAndAgainOnlyWhenStale() {
    store.ensure("a", 0.5, 0, 1);
    TraitWeights w = new TraitWeights(store, clock, Duration.ofSeconds(1));
    assertThat(w.current()).containsEntry("a", 0.5);
    store.weights.put("a", 0.9);
    millis.addAndGet(999);
    assertThat(w.current()).containsEntry("a", 0.5);
    millis.addAndGet(1);
    assertThat(w.current()).containsEntry("a", 0.9);
    assertThat(loads.get()).isEqualTo(2);
  }

  @Test
  void localWritesApplyAtOnce() {
    store.ensure("a", 0.5, 0, 1);
    TraitWeights w = new TraitWeights(store, clock, Duration.ofHours(1));
    w.current();
    w.apply(new TraitWeight("a", 0.7, 0, 1, Instant.EPOCH));
    assertThat(w.current()).containsEntry("a", 0.7);
  }
}
