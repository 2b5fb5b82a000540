package io.nyx.pipeline;

import io.nyx.learning.Reward;
import io.nyx.learning.RewardFunction;
import io.nyx.learning.Rewards;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored row's reward under the current {@link RewardFunction}. Pure.
 *
 * <p>An answered row is scored again from its {@link RewardInputs}; a failed one stays −1. Its
 * ratings are then folded in, oldest first, exactly as {@link FeedbackService} applied them: each
 * gives {@code 0.3·previous + 0.7·rating} on an answered row and {@code 0.7·rating} on a failed
 * one.
 */
public final class Rescoring {
  /** Rewards closer than this are the same (dividing the grounding out costs an ulp or two). */
  static final double SAME = 1e-9;

  private final Rewards rewards;

  /** With the default weights for every specialist. */
  public Rescoring() {
    this(Rewards.DEFAULT);
  }

  public Rescoring(Rewards rewards) {
    this.rewards = rewards;
  }

  /**
   * The recomputed reward of one row.
   *
   * @param components the new automatic components, empty for a failed row (none are stored)
   * @param changed the reward moved by more than {@value #SAME}
   * @param componentsChanged the stored components differ from the new ones
   */
  public record Rescored(
      double reward, Map<String, Double> components, boolean changed, boolean componentsChanged) {
    public boolean write() {
      return changed || componentsChanged;
    }
  }

  public Rescored rescore(RescoreRow row) {
    boolean ok = "ok".equals(row.status());
    RewardFunction f = rewards.of(row.specialist());
    Reward auto = ok ? f.score(RewardInputs.of(row)) : null;
    double reward = auto == null ? -1 : auto.value();
    for (double rating : row.ratings()) {
      reward = f.withFeedback(ok ? reward : 0, rating);
    }
    Map<String, Double> parts = auto == null ? Map.of() : auto.components();
    boolean partsChanged = ok && !same(row.route().get("reward_components"), parts);
    return new Rescored(reward, parts, Math.abs(reward - row.reward()) > SAME, partsChanged);
  }

  private static boolean same(@Nullable Object stored, Map<String, Double> fresh) {
    if (!(stored instanceof Map<?, ?> old) || !old.keySet().equals(fresh.keySet())) {
      return false;
    }
    return fresh.entrySet().stream()
        .allMatch(
            e ->
                old.get(e.getKey()) instanceof Number n
                    && Math.abs(n.doubleValue() - Objects.requireNonNull(e.getValue())) <= SAME);
  }
}
