package io.nyx.adapter;

import io.nyx.settings.SettingException;

/**
 * When an active adapter is taken out of rotation ({@link HealthCheck}).
 *
 * @param window the recent answers judged, [5, 100000]
 * @param minHistory answers of the same version before the window needed to judge a drop in reward,
 *     [1, 1000000]
 * @param rewardDrop how far the window's mean reward may fall below the history's before the
 *     version is taken out, in (0, 2] (2: never)
 * @param maxErrorRate the share of failed calls in the window at or above which it is taken out, in
 *     (0, 1] (1: only when every call failed)
 */
public record RepairSettings(int window, int minHistory, double rewardDrop, double maxErrorRate) {
  public static final int DEFAULT_WINDOW = 50;
  public static final int DEFAULT_MIN_HISTORY = 200;
  public static final double DEFAULT_REWARD_DROP = 0.3;
  public static final double DEFAULT_MAX_ERROR_RATE = 0.2;
  public static final RepairSettings DEFAULT =
      new RepairSettings(
          DEFAULT_WINDOW, DEFAULT_MIN_HISTORY, DEFAULT_REWARD_DROP, DEFAULT_MAX_ERROR_RATE);

  public RepairSettings {
    if (window < 5 || window > 100_000) {
      throw new SettingException("repair_window", window, "in [5, 100000]");
    }
    if (minHistory < 1 || minHistory > 1_000_000) {
      throw new SettingException("repair_min_history", minHistory, "in [1, 1000000]");
    }
    if (!(rewardDrop > 0 && rewardDrop <= 2)) {
      throw new SettingException("repair_reward_drop", rewardDrop, "in (0, 2]");
    }
    if (!(maxErrorRate > 0 && maxErrorRate <= 1)) {
      throw new SettingException("repair_max_error_rate", maxErrorRate, "in (0, 1]");
    }
  }
}
