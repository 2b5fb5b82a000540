package io.nyx.pipeline;

import io.nyx.security.Caller;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Human feedback on one answered query; {@code rating} in [-1,1]. {@code rater} is who the rating
 * is filed under (an answer holds one rating per rater: a later one replaces it), {@code by} the
 * caller whose tenant must own the query. {@code correction}, when given, is the answer the rater
 * says should have been given: the training export prefers it over the stored answer.
 */
public record Feedback(
    UUID id,
    UUID queryId,
    double rating,
    String comment,
    Instant at,
    String rater,
    Caller by,
    @Nullable String correction) {

  public Feedback {
    if (correction != null && correction.isBlank()) {
      throw new IllegalArgumentException("a correction must not be blank; leave it out instead");
    }
  }

  /** A rating without a correction. */
  public Feedback(
      UUID id, UUID queryId, double rating, String comment, Instant at, String rater, Caller by) {
    this(id, queryId, rating, comment, at, rater, by, null);
  }
}
