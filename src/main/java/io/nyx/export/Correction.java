package io.nyx.export;

import java.time.Instant;

/**
 * A rater's correction of a stored exchange ({@code POST /feedback} with {@code correction}): the
 * answer that should have been given to {@code of}'s chat.
 *
 * @param answered whether {@code of} holds an answer that may stand as the rejected side (the
 *     request succeeded, its answer is not empty and no base model answered in place of a broken
 *     adapter)
 */
public record Correction(
    String feedbackId, Instant at, String text, Exchange of, boolean answered) {}
