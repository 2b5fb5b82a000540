package io.nyx.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.resilience.CircuitBreaker.Permit;
import io.nyx.resilience.CircuitBreaker.State;
import io.nyx.resilience.CircuitBreaker.Verdict;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final AtomicLong nanos = new AtomicLong();
  private final CircuitBreaker b = new CircuitBreaker(3, 1_000, nanos::get);

  @Test
  void opensAfterConsecutiveFailuresAndLetsOneTrialThroughLater() {
    fail();
    fail();
    assertThat(b.state()).isEqualTo(State.CLOSED);
    fail();
    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(b.tryAcquire()).isNull();
    nanos.addAndGet(999);
    assertThat(b.tryAcquire()).isNull();
    nanos.addAndGet(1);
    Permit trial = b.tryAcquire();
    assertThat(trial).as("the trial call").isNotNull();
    assertThat(trial.trial()).isTrue();
    assertThat(b.tryAcquire()).as("only one trial at a time").isNull();
    trial.record(Verdict.FAILURE);
    trial.close();
    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(b.failures()).isEqualTo(4);
    nanos.addAndGet(1_000);
    try (Permit again = b.tryAcquire()) {
      assertThat(again).isNotNull();
      again.record(Verdict.SUCCESS);
    }
    assertThat(b.state()).isEqualTo(State.CLOSED);
    assertThat(b.failures()).isZero();
    assertThat(b.tryAcquire()).isNotNull();
  }

  @Test
  void aSuccessResetsTheCount() {
    fail();
    fail();
    record(Verdict.SUCCESS);
    fail();
    fail();
    assertThat(b.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void aTrialClosedWithoutAVerdictIsGivenBackAndTheNextCallerTriesAtOnce() {
    openIt();
    Permit trial = b.tryAcquire();
    trial.close();
    assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    try (Permit next = b.tryAcquire()) {
      assertThat(next).isNotNull();
      assertThat(next.trial()).isTrue();
    }
  }

  @Test
  void whateverIsThrownTheTrialIsGivenBack() {
    openIt();
    assertThatThrownBy(
            () -> {
              try (Permit trial = b.tryAcquire()) {
                assertThat(trial).isNotNull();
                throw new StackOverflowError("anything at all");
              }
            })
        .isInstanceOf(StackOverflowError.class);
    assertThat(b.tryAcquire()).isNotNull();
  }

  @Test
  void anAbsentAdapterFailsATrialButTakesNoStepTowardsOpeningAClosedBreaker() {
    for (int i = 0; i < 5; i++) {
      record(Verdict.ABSENT);
    }
    assertThat(b.state()).isEqualTo(State.CLOSED);
    assertThat(b.failures()).isZero();
    openIt();
    try (Permit trial = b.tryAcquire()) {
      trial.record(Verdict.ABSENT);
    }
    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(b.tryAcquire()).isNull();
    nanos.addAndGet(1_000);
    assertThat(b.tryAcquire()).as("the next trial, one period later").isNotNull();
  }

  @Test
  void noVerdictNeitherCountsNorResets() {
    fail();
    fail();
    record(Verdict.NONE);
    assertThat(b.failures()).isEqualTo(2);
    fail();
    assertThat(b.state()).isEqualTo(State.OPEN);
  }

  @Test
  void onlyTheFirstVerdictCounts() {
    openIt();
    Permit trial = b.tryAcquire();
    trial.record(Verdict.SUCCESS);
    trial.record(Verdict.FAILURE);
    trial.close();
    assertThat(b.state()).isEqualTo(State.CLOSED);
    assertThat(b.failures()).isZero();
  }

  @Test
  void callsLetThroughBeforeTheBreakerOpenedDecideNothingLater() {
    Permit slow = b.tryAcquire(); // long streams, let through while closed
    Permit slower = b.tryAcquire();
    openIt();
    try (Permit trial = b.tryAcquire()) {
      assertThat(trial).isNotNull();
      slow.record(Verdict.FAILURE); // fails while the trial is in flight: decides nothing
      assertThat(b.state()).isEqualTo(State.HALF_OPEN);
      trial.record(Verdict.SUCCESS);
    }
    assertThat(b.state()).isEqualTo(State.CLOSED);
    fail();
    fail();
    slower.record(Verdict.FAILURE);
    assertThat(b.state()).as("a stale failure is not the third").isEqualTo(State.CLOSED);
  }

  private void openIt() {
    while (b.state() != State.OPEN) {
      fail();
    }
    nanos.addAndGet(1_000);
  }

  private void fail() {
    record(Verdict.FAILURE);
  }

  private void record(Verdict verdict) {
    try (Permit p = b.tryAcquire()) {
      assertThat(p).isNotNull();
      p.record(verdict);
    }
  }
}
