package io.nyx.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HealthCheckTest {
  private final HealthCheck check = new HealthCheck(new RepairSettings(50, 200, 0.3, 0.2));

  @Test
  void aDropOfMoreThanTheMarginAgainstItsOwnHistoryTakesItOut() {
    HealthCheck.Health h = check.judge(new Usage(50, 0.45, 0), new Usage(400, 0.8, 0));

    assertThat(h).isInstanceOf(HealthCheck.Health.Degraded.class);
    HealthCheck.Health.Degraded d = (HealthCheck.Health.Degraded) h;
    assertThat(d.why()).isEqualTo("reward_drop");
    assertThat(d.reason()).contains("0.450", "0.800", "0.350");
    assertThat(d.figures()).containsEntry("window_reward_mean", 0.45);
  }

  @Test
  void aDropWithinTheMarginOrWithTooLittleHistoryDoesNot() {
    assertThat(check.judge(new Usage(50, 0.55, 0), new Usage(400, 0.8, 0)))
        .isInstanceOf(HealthCheck.Health.Healthy.class);
    assertThat(check.judge(new Usage(50, 0.1, 0), new Usage(199, 0.8, 0)))
        .isInstanceOf(HealthCheck.Health.Healthy.class);
  }

  @Test
  void anErrorRateAtTheThresholdTakesItOutWithoutHistory() {
    HealthCheck.Health h = check.judge(new Usage(50, 0.2, 0.2), Usage.NONE);

    assertThat(h).isInstanceOf(HealthCheck.Health.Degraded.class);
    assertThat(((HealthCheck.Health.Degraded) h).why()).isEqualTo("error_rate");
  }

  @Test
  void anIncompleteWindowIsNeverJudged() {
    assertThat(check.judge(new Usage(49, -1, 1), new Usage(1000, 0.9, 0)))
        .isInstanceOf(HealthCheck.Health.Healthy.class);
  }
}
