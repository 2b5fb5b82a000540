package io.nyx.pipeline;

import io.nyx.learning.RewardFunction;
import io.nyx.learning.Rewards;
import io.nyx.learning.TraitConfig;
import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitWeight;
import io.nyx.learning.TraitWeights;
import io.nyx.metrics.NyxMetrics;
import io.nyx.security.Caller;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Human feedback after the fact. Only the query's own tenant (or an administrator) may rate it;
 * anyone else is told it does not exist. An answer holds one rating per rater, and its reward is
 * its automatic reward folded with each rating in turn, {@link RewardFunction#withFeedback}. A
 * rater's first rating becomes {@code feedback_evidence} observations of success {@code (rating +
 * 1) / 2} for the specialist's trait posterior, in the same transaction — unless the rater is a key
 * without the admin scope that added {@code traits.feedback_max_evidence} to that trait within
 * {@code traits.feedback_window_s} already.
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

  /**
   * The outcome: the row's new reward, the trait weight (as moved, or as it stands when the rating
   * did not move it, see {@code effect}), if any.
   */
  public record Outcome(
      UUID queryId, double reward, Optional<TraitWeight> trait, FeedbackStore.TraitEffect effect) {}

  /**
   * A rating made by Nyx itself on an administrator's decision (a safety review, a resolved
   * prediction), filed under {@code rater} so it never replaces a person's rating.
   */
  public Outcome apply(UUID queryId, double rating, String comment, String rater) {
    Feedback fb = new Feedback(ids.get(), queryId, rating, comment, clock.instant(), rater, SYSTEM);
    return apply(fb, false);
  }

  /** Nyx acting on an administrator's decision: every tenant's rows, no bound. */
  private static final Caller SYSTEM = new Caller(io.nyx.memory.Owner.LOCAL, null, true);

  /** New feedback by {@code by} with a fresh id, given now: what {@link #apply(Feedback)} takes. */
  public Feedback feedback(UUID queryId, double rating, String comment, Caller by) {
    return feedback(queryId, rating, comment, null, by);
  }

  /** As above, with the answer that should have been given ({@code correction}, null: none). */
  public Feedback feedback(
      UUID queryId, double rating, String comment, @Nullable String correction, Caller by) {
    return new Feedback(
        ids.get(), queryId, rating, comment, clock.instant(), by.rater(), by, correction);
  }

  /**
   * Applies {@code fb}; applying the same feedback again changes nothing (it is how a spooled
   * feedback is replayed).
   *
   * @throws NyxException.NotFound when there is no such query, or it belongs to another tenant
   * @throws NyxException.Conflict when the request failed: it has no answer to rate
   */
  public Outcome apply(Feedback fb) {
    return apply(fb, true);
  }

  /**
   * @param answeredOnly refuse a failed request: true for a person's rating, which judges an answer
   *     and would teach nothing; false for Nyx's own ratings on an administrator's decision (a
   *     reviewed query may have failed after it was flagged, and the review must still close)
   */
  private Outcome apply(Feedback fb, boolean answeredOnly) {
    UUID queryId = fb.queryId();
    QueryRecord row = log.find(queryId).orElseThrow(() -> unknown(queryId));
    if (!fb.by().mayAccess(row.tenant())) {
      throw unknown(queryId); // another tenant's exchange: not even its existence is shown
    }
    boolean ok = "ok".equals(row.status());
    if (!ok && answeredOnly) {
      throw new NyxException.Conflict(
          "query_id",
          "query "
              + queryId
              + " failed (status "
              + row.status()
              + ") and has no answer to rate; rate an answered request");
    }
    String trait = ok ? row.specialist() : null;
    FeedbackStore.Applied applied;
    try {
      applied =
          store.apply(
              fb,
              fold(row, ok),
              trait,
              TraitEvidence.ofReward(fb.rating(), config.feedbackEvidence()),
              fb.by().admin() ? null : budget());
    } catch (NoSuchElementException e) {
      throw unknown(queryId);
    }
    if (applied.effect() == FeedbackStore.TraitEffect.OBSERVED) {
      applied
          .trait()
          .ifPresent(
              t -> {
                weights.apply(t);
                metrics.traitWeight(t.name(), t.weight());
              });
    }
    return new Outcome(queryId, applied.reward(), applied.trait(), applied.effect());
  }

  private FeedbackStore.EvidenceBudget budget() {
    return new FeedbackStore.EvidenceBudget(config.feedbackMaxEvidence(), config.feedbackWindow());
  }

  /**
   * The reward given the answer's ratings in order: an answered row starts from its automatic
   * reward (the sum of its stored components, clamped) and blends each rating in; a failed row has
   * no answer to blend, so each rating stands alone (as {@link Rescoring} recomputes it).
   */
  private ToDoubleFunction<List<Double>> fold(QueryRecord row, boolean ok) {
    RewardFunction f = rewards.of(row.specialist());
    double automatic = ok ? automatic(row) : -1;
    return ratings -> {
      double reward = automatic;
      for (double rating : ratings) {
        reward = f.withFeedback(ok ? reward : 0, rating);
      }
      return reward;
    };
  }

  /**
   * The reward before any rating: the stored components' sum, clamped like {@link
   * RewardFunction#score}; rows stored without components had their automatic reward only.
   */
  private static double automatic(QueryRecord row) {
    if (!(row.route().get("reward_components") instanceof Map<?, ?> parts)) {
      return row.reward();
    }
    double sum = 0;
    for (Object v : parts.values()) {
      if (v instanceof Number n) {
        sum += n.doubleValue();
      }
    }
    return Math.max(-1, Math.min(1, sum));
  }

  private static NyxException unknown(UUID id) {
    return new NyxException.NotFound("query_id", "no recorded query with id " + id);
  }
}
