package io.nyx.adapter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Self-repair's detector: is the active version failing? It compares the version's most recent
 * {@code window} answers with its own history (up to {@link #HISTORY} answers before them):
 *
 * <ul>
 *   <li>error rate: the window's share of failed calls is at or above {@code maxErrorRate} (needs a
 *       full window, no history: a version that fails often is out whatever it did before);
 *   <li>reward: the window's mean reward is more than {@code rewardDrop} below the history's (needs
 *       {@code minHistory} answers of history).
 * </ul>
 *
 * A margin on the mean of a full window rather than a test: rewards of one version spread by about
 * 0.3, so the mean of 50 answers moves by about 0.04 — a drop of 0.3 is seven of those, and the
 * detector is meant to catch a version that broke, not one that got slightly worse (the canary test
 * does that). Pure; thread-safe.
 */
public final class HealthCheck {
  /** Answers before the window that make up the history: the version's recent normal. */
  public static final int HISTORY = 2000;

  private final RepairSettings settings;

  public HealthCheck(RepairSettings settings) {
    this.settings = settings;
  }

  /** The verdict, with what it was read from. */
  public sealed interface Health {
    Map<String, Object> figures();

    record Healthy(Map<String, Object> figures) implements Health {}

    /** Out of rotation: {@code why} is the metric label, {@code reason} says it for people. */
    record Degraded(String why, String reason, Map<String, Object> figures) implements Health {}
  }

  public Health judge(Usage recent, Usage history) {
    Map<String, Object> figures = figures(recent, history);
    if (recent.answers() < settings.window()) {
      return new Health.Healthy(figures);
    }
    if (recent.errorRate() >= settings.maxErrorRate()) {
      return new Health.Degraded(
          "error_rate",
          String.format(
              java.util.Locale.ROOT,
              "self-repair: %.0f %% of the last %d calls failed (repair_max_error_rate %.2f)",
              100 * recent.errorRate(),
              recent.answers(),
              settings.maxErrorRate()),
          figures);
    }
    double drop = history.rewardMean() - recent.rewardMean();
    if (history.answers() >= settings.minHistory() && drop > settings.rewardDrop()) {
      return new Health.Degraded(
          "reward_drop",
          String.format(
              java.util.Locale.ROOT,
              "self-repair: mean reward %.3f over the last %d answers against %.3f over the %d"
                  + " before (a drop of %.3f > repair_reward_drop %.2f)",
              recent.rewardMean(),
              recent.answers(),
              history.rewardMean(),
              history.answers(),
              drop,
              settings.rewardDrop()),
          figures);
    }
    return new Health.Healthy(figures);
  }

  private Map<String, Object> figures(Usage recent, Usage history) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("window_answers", recent.answers());
    m.put("window_reward_mean", recent.rewardMean());
    m.put("window_error_rate", recent.errorRate());
    m.put("history_answers", history.answers());
    m.put("history_reward_mean", history.rewardMean());
    m.put("history_error_rate", history.errorRate());
    m.put("repair_window", settings.window());
    m.put("repair_min_history", settings.minHistory());
    m.put("repair_reward_drop", settings.rewardDrop());
    m.put("repair_max_error_rate", settings.maxErrorRate());
    return m;
  }
}
