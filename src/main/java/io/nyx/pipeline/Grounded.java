package io.nyx.pipeline;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Aletheia's grounding check as it feeds scoring: the supported share of checked sentences, and
 * whether the answer cited fact ids that were never retrieved. Read from the checks map the
 * context's {@code AnswerCheck} produced ({@code {"grounding": {"score","sentences",
 * "invented_citations"}}}).
 */
record Grounded(OptionalDouble score, boolean invented) {
  static final Grounded NONE = new Grounded(OptionalDouble.empty(), false);

  static Grounded from(Map<String, Object> checks) {
    if (!(checks.get("grounding") instanceof Map<?, ?> g)) {
      return NONE;
    }
    boolean invented = g.get("invented_citations") instanceof List<?> l && !l.isEmpty();
    if (g.get("sentences") instanceof Number n
        && n.longValue() > 0
        && g.get("score") instanceof Number s) {
      return new Grounded(OptionalDouble.of(s.doubleValue()), invented);
    }
    return new Grounded(OptionalDouble.empty(), invented);
  }

  /**
   * Stated confidence after grounding: {@code c · (0.5 + 0.5·g)}, so an answer the facts do not
   * support cannot claim more than half the model's own certainty.
   */
  double adjust(double confidence) {
    return score.isPresent() ? confidence * (0.5 + 0.5 * score.getAsDouble()) : confidence;
  }
}
