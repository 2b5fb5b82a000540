package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchingTraitLearnerTest {
  static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));

  /** No decay, no guard: the weight is exactly the posterior mean. */
  static final LearningSettings EXACT =
      new LearningSettings(10, Duration.ZERO, 1, 0, Duration.ZERO);

  /** The reference store behind a switch, recording every segment target it applies. */
  static final class FlakyStore implements SegmentStore {
    final MemoryTraitStore inner = new MemoryTraitStore(CLOCK);
    final List<String> calls = new ArrayList<>();
    boolean down;
    boolean refuseNext;

    FlakyStore() {
      inner.configure(EXACT);
    }

    double weight(String name) {
      return inner.find(name).orElseThrow().weight();
    }

    void ensure(String name, double initialWeight, double min, double max) {
      inner.ensure(name, initialWeight, min, max);
    }

    @Override
    public synchronized List<TraitWeight> applySegment(
        java.util.UUID journal, long seq, List<EvidenceSum> sums, Instant at) {
      if (down) {
        throw new IllegalStateException("database down");
      }
      if (refuseNext) {
        refuseNext = false;
        throw new IllegalArgumentException("evidence out of range");
      }
      List<TraitWeight> out = inner.applySegment(journal, seq, sums, at);
      for (EvidenceSum sum : sums) {
        if (inner.find(sum.trait()).isEmpty()) {
          continue;
        }
        calls.add(
            sum.cluster() == EvidenceSum.TRAIT
                ? sum.trait() + " reward " + sum.answers() + " answer(s)"
                : sum.trait() + "#" + sum.cluster());
      }
      return out;
    }

    @Override
    public long watermark(java.util.UUID journal) {
      return inner.watermark(journal);
    }
  }

  private static BatchingTraitLearner learner(FlakyStore store, List<TraitWeight> seen) {
    return new BatchingTraitLearner(store, seen::add, Duration.ofHours(1), CLOCK);
  }

  @Test
  void evidenceIsSummedIntoOneUpdatePerTraitAndFlush() {
    FlakyStore store = new FlakyStore();
    store.ensure("a", 0.5, 0, 1);
    store.ensure("b", 0.5, 0, 1);
    List<TraitWeight> seen = new ArrayList<>();
    try (BatchingTraitLearner learner = learner(store, seen)) {
      learner.add("a", TraitEvidence.ofReward(1.0, 1), "reward");
      learner.add("a", TraitEvidence.ofReward(0.0, 1), "reward");
      learner.add("b", TraitEvidence.ofReward(-1.0, 2), "reward");
      learner.flush();
      assertThat(store.calls)
          .containsExactlyInAnyOrder("a reward 2 answer(s)", "b reward 1 answer(s)");
      // a: Beta(5 + 1.5, 5 + 0.5) -> 6.5 / 12;  b: Beta(5, 5 + 2) -> 5 / 12
      assertThat(store.weight("a")).isCloseTo(6.5 / 12, within(1e-12));
      assertThat(store.weight("b")).isCloseTo(5.0 / 12, within(1e-12));
      assertThat(seen).hasSize(2);
      learner.flush();
      assertThat(store.calls).hasSize(2);
    }
  }

  @Test
  void aFailedFlushKeepsItsBatchAndCloseAppliesItThenTheNextInOrder() {
    FlakyStore store = new FlakyStore();
    store.ensure("a", 0.5, 0, 1);
    BatchingTraitLearner learner = learner(store, new ArrayList<>());
    learner.add("a", TraitEvidence.ofReward(1, 1), "reward");
    store.down = true;
    learner.flush();
    assertThat(store.weight("a")).isEqualTo(0.5);
    assertThat(learner.queued()).isEqualTo(1);
    learner.add("a", TraitEvidence.ofReward(1, 1), "reward");
    store.down = false;
    learner.close();
    assertThat(store.weight("a")).isCloseTo(7.0 / 12, within(1e-12));
    assertThat(store.calls).containsExactly("a reward 1 answer(s)", "a reward 1 answer(s)");
    assertThat(learner.queued()).isZero();
  }

  @Test
  void anOutageQueuesOneBatchAndPendingEvidenceKeepsAddingUp() {
    FlakyStore store = new FlakyStore();
    store.ensure("a", 0.5, 0, 1);
    try (BatchingTraitLearner learner = learner(store, new ArrayList<>())) {
      store.down = true;
      for (int i = 0; i < 3; i++) {
        learner.add("a", TraitEvidence.ofReward(1, 1), "reward");
        learner.flush();
      }
      assertThat(learner.queued()).as("one batch, not one per tick").isEqualTo(1);
      store.down = false;
      learner.flush();
      assertThat(learner.queued()).isZero();
      assertThat(store.calls).containsExactly("a reward 1 answer(s)", "a reward 2 answer(s)");
    }
  }

  @Test
  void aJournalThatCannotRotateLosesNothing() {
    FlakyStore store = new FlakyStore();
    store.ensure("a", 0.5, 0, 1);
    boolean[] fail = {true};
    EvidenceJournal flaky =
        new ForwardingJournal(EvidenceJournal.inMemory()) {
          @Override
          public long rotate() {
            if (fail[0]) {
              throw new IllegalStateException("no file descriptors left");
            }
            return super.rotate();
          }
        };
    try (BatchingTraitLearner learner =
        new BatchingTraitLearner(store, flaky, w -> {}, Duration.ofHours(1), CLOCK)) {
      learner.add("a", TraitEvidence.ofReward(1, 1), "reward");
      learner.add("a", TraitEvidence.ofReward(1, 1), "reward");
      org.assertj.core.api.Assertions.assertThatThrownBy(learner::flush)
          .hasMessageContaining("file descriptors");
      fail[0] = false;
      learner.flush();
      assertThat(store.calls).containsExactly("a reward 2 answer(s)");
    }
  }

  @Test
  void aBatchRefusedForWhatItHoldsIsDroppedSoLaterOnesStillApply() {
    FlakyStore store = new FlakyStore();
    store.ensure("a", 0.5, 0, 1);
    try (BatchingTraitLearner learner = learner(store, new ArrayList<>())) {
      learner.add("a", TraitEvidence.ofReward(1, 1), "reward");
      store.refuseNext = true;
      learner.flush();
      assertThat(learner.queued()).isZero();
      learner.add("a", TraitEvidence.ofReward(1, 1), "reward");
      learner.flush();
      assertThat(store.calls).containsExactly("a reward 1 answer(s)");
    }
  }

  @Test
  void unknownTraitsAreDroppedNotRetriedForever() {
    FlakyStore store = new FlakyStore();
    try (BatchingTraitLearner learner = learner(store, new ArrayList<>())) {
      learner.add("ghost", TraitEvidence.ofReward(1, 1), "reward");
      learner.flush();
      learner.flush();
    }
    assertThat(store.calls).isEmpty();
  }
}
