package io.nyx.routing;

import java.util.Locale;

/** How a route was decided; {@link #label()} is what rows, responses and metrics carry. */
public enum RouteMethod {
  /** The embeddings decided. */
  SEMANTIC,
  /**
   * The routing model found no specialist that fits and the ranking model's own router found one
   * ({@link SemanticRouter}): decided by similarity too.
   */
  SECOND_OPINION,
  /** The master model's pick (routing mode master). */
  MASTER,
  /** The semantic scores plus the master's vote on a close call (routing mode hybrid). */
  HYBRID,
  /** The operator pinned one specialist for every query. */
  PINNED,
  /** No specialist fit: the base model answers. */
  ABSTAIN,
  /** The caller named the specialist. */
  FORCED,
  /**
   * A follow-up with no topic of its own stayed with the previous turn's specialist ({@link
   * FollowUps}); the scores are the message's own.
   */
  FOLLOW_UP,
  /** The risk screen flagged the question and the safety specialist took it over. */
  SAFETY;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Decided by similarity alone (or no fit), so the bandit or exploration may still step in. */
  public boolean semantic() {
    return this == SEMANTIC || this == SECOND_OPINION || this == ABSTAIN;
  }
}
