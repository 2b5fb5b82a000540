package io.nyx.routing;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A question that became an exemplar of a route through use, with its provenance.
 *
 * @param id the store's id (for listing and removal)
 * @param queryId the answered query it came from; null when added by hand
 * @param rater the key whose feedback or correction caused it ({@code local} without keys)
 */
public record LearnedExemplar(
    long id,
    String route,
    String text,
    Source source,
    @Nullable UUID queryId,
    String rater,
    Instant createdAt) {

  /** Why it was learned. */
  public enum Source {
    /** The route answered it well (good feedback). */
    FEEDBACK,
    /** A person said it should have gone to this route. */
    CORRECTION;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Source of(String label) {
      return valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** What a writer asks to store; the store adds the id and the time. */
  public record Candidate(
      String route, String text, Source source, @Nullable UUID queryId, String rater) {}
}
