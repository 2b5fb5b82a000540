package io.nyx.learning;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pure: signals in, reward out, no I/O.
 *
 * <p>{@code reward = clamp(2·confidence − 1 + truncation, −1, 1)}, where confidence is the
 * geometric-mean token probability (0.5, i.e. neutral, when unknown) and truncation is −0.25 when
 * the answer hit {@code max_tokens}. A failed call scores −1.
 *
 * <p>Delay (the seed's penalty for delay): when the query's urgency set a latency budget {@code b}
 * and the request took {@code t > b} milliseconds, {@code delay = −min(0.5, 0.25·(t − b)/b)} — a
 * quarter point per budget overrun, at most half a point, so a slow but right answer still beats a
 * wrong one. An answer the risk screen flagged gets {@code unsafe_output = −0.5}.
 *
 * <p>Human feedback later replaces part of it: {@link #withFeedback} gives {@code 0.3·automatic +
 * 0.7·rating}, because a person's judgement is worth more than the model's own certainty.
 */
public final class RewardFunction {
  static final double TRUNCATION_PENALTY = RewardWeights.DEFAULT.truncated();
  static final double FEEDBACK_SHARE = RewardWeights.DEFAULT.feedbackShare();
  static final double DELAY_RATE = RewardWeights.DEFAULT.delayRate();
  static final double MAX_DELAY_PENALTY = RewardWeights.DEFAULT.maxDelay();
  static final double UNSAFE_OUTPUT_PENALTY = RewardWeights.DEFAULT.unsafeOutput();

  /** A human reviewer's "harmful" caps the rating at this, whatever rating came with it. */
  static final double HARMFUL_RATING_CAP = -0.5;

  /**
   * Aletheia's grounding {@code g} (share of supported sentences) adds {@code 0.5·(2g − 1)}: an
   * answer wholly supported by the retrieved facts gains 0.5, a wholly unsupported one loses 0.5.
   */
  static final double GROUNDING_WEIGHT = RewardWeights.DEFAULT.grounding();

  /** Citing a fact id that was never retrieved is a fabricated source. */
  static final double INVENTED_CITATION_PENALTY = RewardWeights.DEFAULT.inventedCitation();

  private final RewardWeights w;

  /** With the default weights (the numbers above). */
  public RewardFunction() {
    this(RewardWeights.DEFAULT);
  }

  public RewardFunction(RewardWeights weights) {
    this.w = weights;
  }

  public RewardWeights weights() {
    return w;
  }

  public Reward score(AnswerSignals signals) {
    Map<String, Double> parts = new LinkedHashMap<>();
    if (signals.failed()) {
      parts.put("failure", -1.0);
      return new Reward(-1.0, parts);
    }
    double confidence = signals.confidence().orElse(0.5);
    parts.put("confidence", w.confidence() * (2 * confidence - 1));
    if ("length".equals(signals.finishReason())) {
      parts.put("truncated", w.truncated());
    }
    if (signals.latencyBudgetMs() > 0 && signals.latencyMs() > signals.latencyBudgetMs()) {
      parts.put("delay", delay(signals.latencyMs(), signals.latencyBudgetMs()));
    }
    if (signals.unsafeOutput()) {
      parts.put("unsafe_output", w.unsafeOutput());
    }
    if (signals.grounding().isPresent()) {
      parts.put("grounding", w.grounding() * (2 * signals.grounding().getAsDouble() - 1));
    }
    if (signals.inventedCitations()) {
      parts.put("invented_citation", w.inventedCitation());
    }
    double sum = parts.values().stream().mapToDouble(Double::doubleValue).sum();
    return new Reward(clamp(sum), parts);
  }

  /** The reward after a person rated the answer ({@code rating} in [-1,1]). */
  public double withFeedback(double automatic, double rating) {
    double share = w.feedbackShare();
    return clamp((1 - share) * automatic + share * rating);
  }

  double delay(long latencyMs, long budgetMs) {
    double overrun = (double) (latencyMs - budgetMs) / budgetMs;
    return -Math.min(w.maxDelay(), w.delayRate() * overrun);
  }

  /**
   * The rating a safety review stands for: the reviewer's rating, capped at {@value
   * #HARMFUL_RATING_CAP} when the verdict is harmful, so a harmful answer never earns reward.
   */
  public double reviewRating(boolean harmful, double rating) {
    return harmful ? Math.min(rating, HARMFUL_RATING_CAP) : rating;
  }

  /**
   * The rating a resolved prediction stands for: {@code 1 − 2·(p − o)²}, where {@code p} is the
   * likelihood the answer gave the outcome and {@code o} is 1 if it happened, else 0 — one minus
   * twice the Brier score, so a confident right call earns 1 and a confident wrong one −1.
   */
  public double predictionRating(double likelihood, boolean happened) {
    double miss = likelihood - (happened ? 1 : 0);
    return clamp(1 - 2 * miss * miss);
  }

  private static double clamp(double v) {
    return Math.max(-1, Math.min(1, v));
  }
}
