package io.nyx.learning;

import java.util.OptionalDouble;

/**
 * What is known about one answer when it is scored.
 *
 * @param confidence from logprobs, empty when the backend gave none
 * @param finishReason "stop", "length", ... or "" when unknown
 * @param failed true when no answer was produced (backend error)
 * @param latencyMs the whole request's latency, as measured by the pipeline
 * @param latencyBudgetMs what the query's urgency allows (Kairos); 0 = no budget
 * @param unsafeOutput true when the risk screen flagged the answer itself
 * @param grounding Aletheia's share of answer sentences supported by retrieved facts, in [0,1];
 *     empty when no sentence was checked
 * @param inventedCitations true when the answer cites a fact id that was not retrieved
 */
public record AnswerSignals(
    OptionalDouble confidence,
    String finishReason,
    boolean failed,
    long latencyMs,
    long latencyBudgetMs,
    boolean unsafeOutput,
    OptionalDouble grounding,
    boolean inventedCitations) {

  /** Signals without a latency budget or an output screen. */
  public AnswerSignals(OptionalDouble confidence, String finishReason, boolean failed) {
    this(confidence, finishReason, failed, 0, 0, false);
  }

  /** Signals without grounding (every specialist but Aletheia). */
  public AnswerSignals(
      OptionalDouble confidence,
      String finishReason,
      boolean failed,
      long latencyMs,
      long latencyBudgetMs,
      boolean unsafeOutput) {
    this(
        confidence,
        finishReason,
        failed,
        latencyMs,
        latencyBudgetMs,
        unsafeOutput,
        OptionalDouble.empty(),
        false);
  }
}
