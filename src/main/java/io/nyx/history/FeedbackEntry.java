package io.nyx.history;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One rating an answer was given: by a person's key, or by Nyx itself for a review verdict or a
 * prediction's outcome ({@code rater} "review:7", "prediction:3").
 *
 * @param rater null for feedback given before raters were recorded
 * @param updatedAt when the rater last replaced the rating, or null
 * @param trait the specialist trait the rating told, with {@code evidence} observations (0: none)
 */
public record FeedbackEntry(
    UUID id,
    double rating,
    String comment,
    @Nullable String rater,
    Instant createdAt,
    @Nullable Instant updatedAt,
    @Nullable String trait,
    double evidence) {}
