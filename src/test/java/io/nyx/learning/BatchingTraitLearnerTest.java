package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatchingTraitLearnerTest {

  /** An in-memory store that can be switched off, recording every update call. */
  static class MemoryStore implements TraitStore {
    final Map<String, Double> weights = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    boolean down;

    @Override
    public void ensure(String name, double initialWeight, double min, double max) {
      weights.putIfAbsent(name, initialWeight);
    }

    @Override
    public Map<String, TraitWeight> all() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<TraitWeight> find(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public synchronized TraitWeight update(
        String name, double delta, String source, String reason) {
      if (down) {
        throw new IllegalStateException("database down");
      }
      if (!weights.containsKey(name)) {
        throw new NoSuchElementException(name);
      }
      calls.add(name + " " + source + " " + reason);
      double w = Math.max(0, Math.min(1, weights.get(name) + delta));
      weights.put(name, w);
      return new TraitWeight(name, w, 0, 1, Instant.EPOCH);
    }

    @Override
    public TraitWeight set(String name, double weight, String source, String reason) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<TraitChange> history(String name, int limit) {
      return List.of();
    }
  }

  @Test
  void deltasAreSummedIntoOneUpdatePerTraitAndFlush() {
    MemoryStore store = new MemoryStore();
    store.ensure("a", 0.5, 0, 1);
    store.ensure("b", 0.5, 0, 1);
    List<TraitWeight> seen = new ArrayList<>();
    try (BatchingTraitLearner learner =
        new BatchingTraitLearner(store, seen::add, Duration.ofHours(1))) {
      learner.add("a", 0.01, "reward");
      learner.add("a", 0.02, "reward");
      learner.add("b", -0.1, "reward");
      learner.flush();
      assertThat(store.calls)
          .containsExactlyInAnyOrder("a reward 2 answer(s)", "b reward 1 answer(s)");
      assertThat(store.weights.get("a")).isCloseTo(0.53, within(1e-12));
      assertThat(store.weights.get("b")).isCloseTo(0.4, within(1e-12));
      assertThat(seen).hasSize(2);
      learner.flush();
      assertThat(store.calls).hasSize(2);
    }
  }

  @Test
  void aFailedFlushKeepsItsSumsAndCloseAppliesThem() {
    MemoryStore store = new MemoryStore();
    store.ensure("a", 0.5, 0, 1);
    BatchingTraitLearner learner = new BatchingTraitLearner(store, w -> {}, Duration.ofHours(1));
    learner.add("a", 0.1, "reward");
    store.down = true;
    learner.flush();
    assertThat(store.weights.get("a")).isEqualTo(0.5);
    learner.add("a", 0.1, "reward");
    store.down = false;
    learner.close();
    assertThat(store.weights.get("a")).isCloseTo(0.7, within(1e-12));
    assertThat(store.calls).containsExactly("a reward 2 answer(s)");
  }

  @Test
  void unknownTraitsAreDroppedNotRetriedForever() {
    MemoryStore store = new MemoryStore();
    try (BatchingTraitLearner learner =
        new BatchingTraitLearner(store, w -> {}, Duration.ofHours(1))) {
      learner.add("ghost", 0.1, "reward");
      learner.flush();
      learner.flush();
    }
    assertThat(store.calls).isEmpty();
  }
}
