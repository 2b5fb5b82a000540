package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The cache loads on first use and again only once stale (a MIN_VALUE start must not overflow). */
class TraitWeightsTest {
  private final AtomicLong millis = new AtomicLong(1_000_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(millis.get());

  @Test
  void loadsOnFirstUseAndAgainOnlyWhenStale() {
    MemoryTraitStore store = new MemoryTraitStore(clock);
    store.ensure("a", 0.5, 0, 1);
    TraitWeights w = new TraitWeights(store, store, clock, Duration.ofSeconds(1));
    assertThat(w.current()).containsEntry("a", 0.5);
    store.set("a", 0.9, "operator", "test");
    millis.addAndGet(999);
    assertThat(w.current()).containsEntry("a", 0.5);
    millis.addAndGet(1);
    assertThat(w.current()).containsEntry("a", 0.9);
  }
}
