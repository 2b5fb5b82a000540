package io.nyx.pipeline;

import io.nyx.learning.AnswerSignals;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * The inputs of a row's automatic reward, as stored in its route JSON under {@value #KEY}, and read
 * back for {@code nyx rewards recompute}. The components alone are not enough: they are outputs of
 * the function that made them (a neutral 0.5 "confidence" cannot tell "no logprobs" from "0.5").
 *
 * <p>Rows written before the inputs were stored are read from their columns instead: confidence
 * from the stored (grounding-adjusted) confidence divided by {@code 0.5 + 0.5·g}, grounding and
 * invented citations from {@code route.checks}, the budget from {@code route.latency_budget_ms}, an
 * unsafe output from the presence of the {@code unsafe_output} component.
 */
final class RewardInputs {
  static final String KEY = "reward_inputs";

  private RewardInputs() {}

  /** What {@link Records} stores with an answered row. */
  static Map<String, Object> toMap(AnswerSignals s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("confidence", s.confidence().isPresent() ? s.confidence().getAsDouble() : null);
    m.put("finish_reason", s.finishReason());
    m.put("latency_ms", s.latencyMs());
    m.put("latency_budget_ms", s.latencyBudgetMs());
    m.put("unsafe_output", s.unsafeOutput());
    m.put("grounding", s.grounding().isPresent() ? s.grounding().getAsDouble() : null);
    m.put("invented_citations", s.inventedCitations());
    return m;
  }

  /** The signals of an answered row ({@code status = ok}). */
  static AnswerSignals of(RescoreRow row) {
    if (row.route().get(KEY) instanceof Map<?, ?> m) {
      return fromMap(m);
    }
    return fromColumns(row);
  }

  private static AnswerSignals fromMap(Map<?, ?> m) {
    return new AnswerSignals(
        optional(m.get("confidence")),
        m.get("finish_reason") instanceof String f ? f : "",
        false,
        whole(m.get("latency_ms")),
        whole(m.get("latency_budget_ms")),
        Boolean.TRUE.equals(m.get("unsafe_output")),
        optional(m.get("grounding")),
        Boolean.TRUE.equals(m.get("invented_citations")));
  }

  private static AnswerSignals fromColumns(RescoreRow row) {
    Map<String, Object> route = row.route();
    Grounded g =
        route.get("checks") instanceof Map<?, ?> checks
            ? Grounded.from(stringKeys(checks))
            : Grounded.NONE;
    double factor = g.score().isPresent() ? 0.5 + 0.5 * g.score().getAsDouble() : 1;
    boolean unsafe =
        route.get("reward_components") instanceof Map<?, ?> parts
            && parts.containsKey("unsafe_output");
    return new AnswerSignals(
        OptionalDouble.of(row.confidence() / factor),
        row.finishReason() == null ? "" : row.finishReason(),
        false,
        row.latencyMs(),
        whole(route.get("latency_budget_ms")),
        unsafe,
        g.score(),
        g.invented());
  }

  private static Map<String, Object> stringKeys(Map<?, ?> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static OptionalDouble optional(@Nullable Object v) {
    return v instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
  }

  private static long whole(@Nullable Object v) {
    return v instanceof Number n ? n.longValue() : 0;
  }
}
