package io.nyx.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecallWeightsTest {
  static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");
  final RecallWeights w = new RecallWeights(0.1, Duration.ofDays(30), 0.2);

  static Memory memory(Instant at, Map<String, Object> metadata) {
    return new Memory(1, "t", new float[] {1}, metadata, "s", null, at);
  }

  @Test
  void recencyHalvesEveryHalfLife() {
    assertThat(w.score(0.5, memory(NOW, Map.of()), NOW)).isCloseTo(0.6, within(1e-12));
    assertThat(w.score(0.5, memory(NOW.minus(Duration.ofDays(30)), Map.of()), NOW))
        .isCloseTo(0.55, within(1e-12));
    assertThat(w.score(0.5, memory(NOW.minus(Duration.ofDays(60)), Map.of()), NOW))
        .isCloseTo(0.525, within(1e-12));
    assertThat(w.score(0.5, memory(NOW.plusSeconds(60), Map.of()), NOW)) // clock skew: age 0
        .isCloseTo(0.6, within(1e-12));
  }

  @Test
  void importanceIsClippedToUnitRange() {
    Instant old = NOW.minus(Duration.ofDays(3650));
    assertThat(w.score(0.5, memory(old, Map.of("importance", 0.5)), NOW))
        .isCloseTo(0.6, within(1e-9));
    assertThat(w.score(0.5, memory(old, Map.of("importance", 7)), NOW))
        .isCloseTo(0.7, within(1e-9));
    assertThat(w.score(0.5, memory(old, Map.of("importance", "high")), NOW))
        .isCloseTo(0.5, within(1e-9));
  }

  @Test
  void aCloseOldMemoryStillBeatsALooselyRelatedNewOne() {
    double oldExact = w.score(0.9, memory(NOW.minus(Duration.ofDays(365)), Map.of()), NOW);
    double newLoose = w.score(0.6, memory(NOW, Map.of()), NOW);
    assertThat(oldExact).isGreaterThan(newLoose);
  }
}
