package io.nyx.pipeline;

import io.nyx.security.Caller;
import java.time.Instant;
import java.util.UUID;

/**
 * Human feedback on one answered query; {@code rating} in [-1,1]. {@code rater} is who the rating
 * is filed under (an answer holds one rating per rater: a later one replaces it), {@code by} the
 * caller whose tenant must own the query.
 */
public record Feedback(
    UUID id, UUID queryId, double rating, String comment, Instant at, String rater, Caller by) {}
