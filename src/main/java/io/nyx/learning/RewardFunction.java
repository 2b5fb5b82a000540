package io.nyx.learning;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pure: signals in, reward out, no I/O.
 *
 * <p>{@code reward = clamp(2·confidence − 1 + truncation, −1, 1)}, where confidence is the
 * geometric-mean token probability (0.5, i.e. neutral, when unknown) and truncation is −0.25 when
 * the answer hit {@code max_tokens}. A failed call scores −1. Human feedback later replaces part of
 * it: {@link #withFeedback} gives {@code 0.3·automatic + 0.7·rating}, because a person's judgement
 * is worth more than the model's own certainty.
 */
public final class RewardFunction {
  static final double TRUNCATION_PENALTY = -0.25;
  static final double FEEDBACK_SHARE = 0.7;

  public Reward score(AnswerSignals signals) {
    Map<String, Double> parts = new LinkedHashMap<>();
    if (signals.failed()) {
      parts.put("failure", -1.0);
      return new Reward(-1.0, parts);
    }
    double confidence = signals.confidence().orElse(0.5);
    parts.put("confidence", 2 * confidence - 1);
    if ("length".equals(signals.finishReason())) {
      parts.put("truncated", TRUNCATION_PENALTY);
    }
    double sum = parts.values().stream().mapToDouble(Double::doubleValue).sum();
    return new Reward(clamp(sum), parts);
  }

  /** The reward after a person rated the answer ({@code rating} in [-1,1]). */
  public double withFeedback(double automatic, double rating) {
    return clamp((1 - FEEDBACK_SHARE) * automatic + FEEDBACK_SHARE * rating);
  }

  private static double clamp(double v) {
    return Math.max(-1, Math.min(1, v));
  }
}
