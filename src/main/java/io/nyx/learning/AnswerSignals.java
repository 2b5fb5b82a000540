package io.nyx.learning;

import java.util.OptionalDouble;

/**
 * What is known about one answer when it is scored.
 *
 * @param confidence from logprobs, empty when the backend gave none
 * @param finishReason "stop", "length", ... or "" when unknown
 * @param failed true when no answer was produced (backend error)
 */
public record AnswerSignals(OptionalDouble confidence, String finishReason, boolean failed) {}
