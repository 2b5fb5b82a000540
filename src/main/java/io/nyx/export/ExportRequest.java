package io.nyx.export;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What to export as fine-tuning data, from answered requests created at or after {@code since} (of
 * one specialist, or all when {@code specialist} is null):
 *
 * <ul>
 *   <li>{@link Kind#SFT}: each answer whose reward is at least {@code minReward}, as the chat the
 *       adapter saw (system prompt with its context, the user's message) plus the answer;
 *   <li>{@link Kind#PREFERENCES}: for each conversation (its turns without the system prompt)
 *       answered more than once by the same specialist, its best and worst answer when their
 *       rewards differ by at least {@code minGap} (and their texts differ), as a chosen/rejected
 *       pair; the prompt is the chosen answer's (its system prompt and context may differ from the
 *       rejected one's).
 * </ul>
 *
 * Rewards are the stored ones, human feedback already blended in. {@code tenant} keeps one tenant's
 * exchanges (all when null); a pair never joins two tenants' answers.
 */
public record ExportRequest(
    Kind kind,
    @Nullable String specialist,
    Instant since,
    double minReward,
    double minGap,
    @Nullable String tenant) {
  public static final double DEFAULT_MIN_REWARD = 0.5;
  public static final double DEFAULT_MIN_GAP = 0.5;

  /** The two shapes of training data. */
  public enum Kind {
    SFT,
    PREFERENCES
  }

  public ExportRequest {
    if (!(minReward >= -1 && minReward <= 1)) {
      throw new IllegalArgumentException("min_reward must be in [-1, 1]: " + minReward);
    }
    if (!(minGap > 0 && minGap <= 2)) {
      throw new IllegalArgumentException("min_gap must be in (0, 2]: " + minGap);
    }
  }
}
