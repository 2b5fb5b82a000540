package io.nyx.learning;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The numbers of the {@link RewardFunction}, so each specialist can weigh its own checks (Aletheia
 * cares more for grounding, Kairos for delay). Set under {@code rewards} for all specialists and
 * under a specialist's {@code reward} for one; keys are those of {@link #RANGES}.
 *
 * @param confidence multiplies {@code 2·confidence − 1}
 * @param truncated added when the answer hit {@code max_tokens}
 * @param delayRate penalty per budget overrun ({@code delay = −min(maxDelay, rate·(t − b)/b)})
 * @param maxDelay the largest delay penalty
 * @param unsafeOutput added when the answer was flagged by the risk screen
 * @param grounding multiplies {@code 2g − 1}, g = share of sentences the facts support
 * @param inventedCitation added when the answer cites a fact id that was not retrieved
 * @param feedbackShare a human rating's share of the reward ({@code (1 − s)·automatic + s·rating})
 */
public record RewardWeights(
    double confidence,
    double truncated,
    double delayRate,
    double maxDelay,
    double unsafeOutput,
    double grounding,
    double inventedCitation,
    double feedbackShare) {

  public static final RewardWeights DEFAULT =
      new RewardWeights(1.0, -0.25, 0.25, 0.5, -0.5, 0.5, -0.25, 0.7);

  /** Allowed range per key: penalties are at most 0, weights at least 0. */
  public record Range(double min, double max) {
    public boolean contains(double v) {
      return v >= min && v <= max;
    }
  }

  public static final Map<String, Range> RANGES = ranges();

  private static Map<String, Range> ranges() {
    Map<String, Range> r = new LinkedHashMap<>();
    r.put("confidence", new Range(0, 2));
    r.put("truncated", new Range(-2, 0));
    r.put("delay_rate", new Range(0, 10));
    r.put("max_delay", new Range(0, 2));
    r.put("unsafe_output", new Range(-2, 0));
    r.put("grounding", new Range(0, 2));
    r.put("invented_citation", new Range(-2, 0));
    r.put("feedback_share", new Range(0, 1));
    return java.util.Collections.unmodifiableMap(r);
  }

  /** These weights with some replaced, by key; the caller has checked keys and ranges. */
  public RewardWeights with(Map<String, Double> overrides) {
    Map<String, Double> v = new LinkedHashMap<>(asMap());
    overrides.forEach(
        (k, x) -> {
          if (v.replace(k, x) == null) {
            throw new IllegalArgumentException("unknown reward key " + k);
          }
        });
    return new RewardWeights(
        weight(v, "confidence"),
        weight(v, "truncated"),
        weight(v, "delay_rate"),
        weight(v, "max_delay"),
        weight(v, "unsafe_output"),
        weight(v, "grounding"),
        weight(v, "invented_citation"),
        weight(v, "feedback_share"));
  }

  private static double weight(Map<String, Double> weights, String key) {
    return Objects.requireNonNull(weights.get(key), "asMap() has every key");
  }

  public Map<String, Double> asMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("confidence", confidence);
    m.put("truncated", truncated);
    m.put("delay_rate", delayRate);
    m.put("max_delay", maxDelay);
    m.put("unsafe_output", unsafeOutput);
    m.put("grounding", grounding);
    m.put("invented_citation", inventedCitation);
    m.put("feedback_share", feedbackShare);
    return m;
  }
}
