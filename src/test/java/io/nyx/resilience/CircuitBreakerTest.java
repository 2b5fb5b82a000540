package io.nyx.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final AtomicLong nanos = new AtomicLong();
  private final CircuitBreaker b = new CircuitBreaker(3, 1_000, nanos::get);

  @Test
  void opensAfterConsecutiveFailuresAndLetsOneTrialThroughLater() {
    b.failure();
    b.failure();
    assertThat(b.allow()).isTrue();
    b.failure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(b.allow()).isFalse();
    nanos.addAndGet(999);
    assertThat(b.allow()).isFalse();
    nanos.addAndGet(1);
    assertThat(b.allow()).as("the trial call").isTrue();
    assertThat(b.allow()).as("only one trial at a time").isFalse();
    b.failure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    nanos.addAndGet(1_000);
    assertThat(b.allow()).isTrue();
    b.success();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(b.allow()).isTrue();
  }

  @Test
  void aSuccessResetsTheCount() {
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }
}
