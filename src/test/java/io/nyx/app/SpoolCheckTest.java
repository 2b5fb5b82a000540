package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.api.Readiness.Check;
import io.nyx.persistence.durable.SpoolState;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SpoolCheckTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(); // ns
  private final AtomicReference<SpoolState> rows =
      new AtomicReference<>(new SpoolState("rows", 0, 0, 0, 0));
  private final SpoolCheck check =
      new SpoolCheck(Map.of("rows", rows::get), Duration.ofSeconds(60), now::get);

  @Test
  void anEmptySpoolIsReady() {
    Check c = check.check(true);
    assertThat(c.ok()).isTrue();
    assertThat(c.degraded()).isFalse();
  }

  @Test
  void aSpoolThatMovesNothingForAMinuteWhileTheDatabaseAnswersIsStuck() {
    rows.set(new SpoolState("rows", 5, 0, 0, 0));
    assertThat(check.check(true).ok()).isTrue();
    now.addAndGet(59 * SECOND);
    assertThat(check.check(true).ok()).isTrue();
    now.addAndGet(SECOND);
    Check stuck = check.check(true);
    assertThat(stuck.ok()).isFalse();
    assertThat(stuck.detail()).contains("stuck").contains("rows (5 waiting)");
    rows.set(new SpoolState("rows", 4, 1, 0, 0)); // it moved one: not stuck
    assertThat(check.check(true).ok()).isTrue();
  }

  @Test
  void waitingForADatabaseThatIsAwayIsNotBeingStuck() {
    rows.set(new SpoolState("rows", 5, 0, 0, 0));
    check.check(false);
    now.addAndGet(600 * SECOND);
    assertThat(check.check(false).ok()).isTrue();
    assertThat(check.check(true).ok()).as("the minute starts when it answers").isTrue();
    now.addAndGet(60 * SECOND);
    assertThat(check.check(true).ok()).isFalse();
  }

  @Test
  void deadLettersMakeItDegradedButReady() {
    rows.set(new SpoolState("rows", 0, 7, 2, 1));
    Check c = check.check(true);
    assertThat(c.ok()).isTrue();
    assertThat(c.degraded()).isTrue();
    assertThat(c.detail()).contains("rows (2)").contains("nyx spool dead-letters");
  }
}
