package io.nyx.pipeline;

import io.nyx.config.TraitConfig;
import io.nyx.learning.Rewards;
import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitWeight;
import io.nyx.learning.TraitWeights;
import io.nyx.metrics.NyxMetrics;
import java.time.InstantSource;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Human feedback after the fact: the row's reward becomes {@link RewardFunction#withFeedback} and
 * the rating becomes {@code feedback_evidence} observations of success {@code (rating + 1) / 2} for
 * the specialist's trait posterior, in one transaction.
 */
public final class FeedbackService {
  private final QueryLog log;
  private final FeedbackStore store;
  private final TraitWeights weights;
  private final TraitConfig config;
  private final NyxMetrics metrics;
  private final InstantSource clock;
  private final Supplier<UUID> ids;
  private final Rewards rewards;

  public FeedbackService(
      QueryLog log,
      FeedbackStore store,
      TraitWeights weights,
      TraitConfig config,
      NyxMetrics metrics,
      InstantSource clock,
      Supplier<UUID> ids,
      Rewards rewards) {
    this.rewards = rewards;
    this.log = log;
    this.store = store;
    this.weights = weights;
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.ids = ids;
  }

  /** The outcome: the row's new reward and the trait weight it moved, if any. */
  public record Outcome(UUID queryId, double reward, Optional<TraitWeight> trait) {}

  public Outcome apply(UUID queryId, double rating, String comment) {
    return apply(feedback(queryId, rating, comment));
  }

  /** New feedback with a fresh id, given now: what {@link #apply(Feedback)} takes. */
  public Feedback feedback(UUID queryId, double rating, String comment) {
    return new Feedback(ids.get(), queryId, rating, comment, clock.instant());
  }

  /**
   * Applies {@code fb}; applying the same feedback id again changes nothing (it is how a spooled
   * feedback is replayed).
   */
  public Outcome apply(Feedback fb) {
    UUID queryId = fb.queryId();
    QueryRecord row = log.find(queryId).orElseThrow(() -> unknown(queryId));
    boolean ok = "ok".equals(row.status());
    String trait = ok ? row.specialist() : null;
    FeedbackStore.Applied applied;
    try {
      applied =
          store.apply(
              fb,
              current -> rewards.of(row.specialist()).withFeedback(ok ? current : 0, fb.rating()),
              trait,
              TraitEvidence.ofReward(fb.rating(), config.feedbackEvidence()));
    } catch (NoSuchElementException e) {
      throw unknown(queryId);
    }
    applied
        .trait()
        .ifPresent(
            t -> {
              weights.apply(t);
              metrics.traitWeight(t.name(), t.weight());
            });
    return new Outcome(queryId, applied.reward(), applied.trait());
  }

  private static NyxException unknown(UUID id) {
    return new NyxException.NotFound("query_id", "no recorded query with id " + id);
  }
}
