package io.nyx.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void backoffIsJitteredWithinAnExponentialCeiling() {
    RetryPolicy p =
        new RetryPolicy(
            5, Duration.ofMillis(100), Duration.ofMillis(350), 1, new SplittableRandom(7));
    for (int i = 0; i < 200; i++) {
      assertThat(p.backoff(1)).isBetween(Duration.ZERO, Duration.ofMillis(100));
      assertThat(p.backoff(2)).isBetween(Duration.ZERO, Duration.ofMillis(200));
      assertThat(p.backoff(3)).isBetween(Duration.ZERO, Duration.ofMillis(350));
      assertThat(p.backoff(9)).isBetween(Duration.ZERO, Duration.ofMillis(350));
    }
  }

  @Test
  void sameSeedSameWaits() {
    RetryPolicy a =
        new RetryPolicy(
            5, Duration.ofMillis(100), Duration.ofSeconds(2), 1, new SplittableRandom(1));
    RetryPolicy b =
        new RetryPolicy(
            5, Duration.ofMillis(100), Duration.ofSeconds(2), 1, new SplittableRandom(1));
    for (int i = 1; i < 6; i++) {
      assertThat(a.backoff(i)).isEqualTo(b.backoff(i));
    }
  }

  @Test
  void attemptsAndBudgetBoundRetries() {
    RetryPolicy p =
        new RetryPolicy(
            2, Duration.ofMillis(1), Duration.ofMillis(1), 0.1, new SplittableRandom(1));
    assertThat(p.mayRetry(1)).isTrue();
    assertThat(p.mayRetry(2)).isTrue();
    assertThat(p.mayRetry(3)).as("max retries").isFalse();
    // The bucket starts full (10 tokens) and earns 0.1 per call: 10 retries, then one per 10 calls.
    int allowed = 0;
    for (int i = 0; i < 20; i++) {
      allowed += p.mayRetry(1) ? 1 : 0;
    }
    assertThat(allowed).isEqualTo(8);
    for (int i = 0; i < 10; i++) {
      p.onCall();
    }
    assertThat(p.mayRetry(1)).isTrue();
    assertThat(p.mayRetry(1)).isFalse();
  }
}
