package io.nyx.export;

import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What to export as fine-tuning data, from requests created at or after {@code since} (of one
 * specialist, or all when {@code specialist} is null; of one tenant, or all when {@code tenant} is
 * null), as lines of {@code format}.
 *
 * <p>Only answers an adapter (or the base model, when routing chose it) gave are used: failed
 * requests, empty answers and answers the base model gave in place of a broken adapter (the row's
 * {@code route.fallback}) are left out. A rater's correction ({@code POST /feedback} with {@code
 * correction}) replaces the answer it corrects:
 *
 * <ul>
 *   <li>{@link Kind#SFT}: each correction, then each uncorrected answer whose reward is at least
 *       {@code minReward}, as the chat the adapter saw (system prompt with its context, the turns)
 *       plus the answer;
 *   <li>{@link Kind#PREFERENCES}: each correction preferred over the answer it corrects; then, for
 *       each conversation (its turns without the system prompt) answered more than once by the same
 *       specialist, its best and worst uncorrected answers when their rewards differ by at least
 *       {@code minGap} (and their texts differ); the prompt is the chosen answer's;
 *   <li>{@link Kind#KTO}: each correction as desirable; each uncorrected answer as desirable when
 *       its reward is at least {@code minReward}, undesirable when it is at most {@code maxReward};
 *       each corrected answer as undesirable.
 * </ul>
 *
 * Rewards are the stored ones, human feedback already blended in. A pair never joins two tenants'
 * answers. With {@code valShare} above 0, a share of the conversations (decided by a hash of each
 * with {@code seed}, see {@link Splitter}) goes to a validation part.
 *
 * <p>Subjective memory is not a source of examples: memories are a tenant's own notes, shown to the
 * tenant's requests by retrieval (which keeps tenants, sessions and deletions apart), while an
 * adapter serves every tenant and cannot forget. They reach training only as the retrieved context
 * inside the prompts the adapter saw, scrubbed like all other text.
 */
public record ExportRequest(
    Kind kind,
    Format format,
    @Nullable String specialist,
    Instant since,
    double minReward,
    double minGap,
    double maxReward,
    @Nullable String tenant,
    double valShare,
    long seed) {
  public static final double DEFAULT_MIN_REWARD = 0.5;
  public static final double DEFAULT_MIN_GAP = 0.5;
  public static final double DEFAULT_MAX_REWARD = 0.0;

  /** Most of an export that may go to validation. */
  public static final double MAX_VAL_SHARE = 0.5;

  /** The shapes of training data. */
  public enum Kind {
    SFT,
    PREFERENCES,
    KTO;

    /** Its name in commands, paths and manifests: {@code sft}, {@code preferences}, {@code kto}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ExportRequest {
    if (!(minReward >= -1 && minReward <= 1)) {
      throw new IllegalArgumentException("min_reward must be in [-1, 1]: " + minReward);
    }
    if (!(minGap > 0 && minGap <= 2)) {
      throw new IllegalArgumentException("min_gap must be in (0, 2]: " + minGap);
    }
    if (!(maxReward >= -1 && maxReward <= 1)) {
      throw new IllegalArgumentException("max_reward must be in [-1, 1]: " + maxReward);
    }
    if (kind == Kind.KTO && !(maxReward < minReward)) {
      throw new IllegalArgumentException(
          "max_reward must be below min_reward for kto (an answer cannot be both desirable and"
              + " undesirable): max_reward "
              + maxReward
              + ", min_reward "
              + minReward);
    }
    if (!format.supports(kind)) {
      throw new IllegalArgumentException(
          "format " + format.label() + " has no " + kind.label() + " lines; use trl");
    }
    if (!(valShare >= 0 && valShare <= MAX_VAL_SHARE)) {
      throw new IllegalArgumentException(
          "val_share must be in [0, " + MAX_VAL_SHARE + "]: " + valShare);
    }
  }

  /** TRL lines, every one for training, KTO's threshold at its default. */
  public ExportRequest(
      Kind kind,
      @Nullable String specialist,
      Instant since,
      double minReward,
      double minGap,
      @Nullable String tenant) {
    this(kind, Format.TRL, specialist, since, minReward, minGap, DEFAULT_MAX_REWARD, tenant, 0, 0);
  }

  /**
   * Retraining data for one specialist since {@code since}, with the default thresholds, as TRL
   * lines: its corrections and good answers (SFT); corrections over the answers they correct, and
   * best over worst (preferences); or corrections and good answers as desirable, corrected and poor
   * answers as undesirable (KTO).
   */
  public static ExportRequest retraining(Kind kind, String specialist, Instant since) {
    return new ExportRequest(kind, specialist, since, DEFAULT_MIN_REWARD, DEFAULT_MIN_GAP, null);
  }

  /** The same request with a validation part of {@code share}, split with {@code seed}. */
  public ExportRequest withValidation(double share, long seed) {
    return new ExportRequest(
        kind, format, specialist, since, minReward, minGap, maxReward, tenant, share, seed);
  }

  /** The same request as lines of {@code f}. */
  public ExportRequest withFormat(Format f) {
    return new ExportRequest(
        kind, f, specialist, since, minReward, minGap, maxReward, tenant, valShare, seed);
  }
}
