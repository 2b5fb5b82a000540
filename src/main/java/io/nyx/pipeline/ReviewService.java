package io.nyx.pipeline;

import io.nyx.learning.RewardFunction;
import io.nyx.safety.ReviewItem;
import io.nyx.safety.ReviewQueue;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;

/**
 * Human safety review: a verdict on a flagged exchange becomes reward like {@code /feedback} does
 * (the row's reward and the specialist's trait weight, in {@link FeedbackService}'s transaction),
 * with the rating capped by {@link RewardFunction#reviewRating} when the verdict is harmful.
 *
 * <p>The item is claimed first (pending → reviewed), so two reviewers cannot both apply reward; if
 * applying the reward fails, the claim is undone and the item is pending again. Thread-safe.
 */
public final class ReviewService {
  public static final Set<String> VERDICTS = Set.of("safe", "harmful", "unclear");

  private final ReviewQueue queue;
  private final FeedbackService feedback;
  private final InstantSource clock;
  private final RewardFunction rewards = new RewardFunction();

  public ReviewService(ReviewQueue queue, FeedbackService feedback, InstantSource clock) {
    this.queue = queue;
    this.feedback = feedback;
    this.clock = clock;
  }

  public List<ReviewItem> pending(int limit) {
    return queue.pending(limit);
  }

  /** Applies a verdict; {@code rating} in [-1,1]. */
  public FeedbackService.Outcome decide(long id, String verdict, double rating, String note) {
    if (!VERDICTS.contains(verdict)) {
      throw new NyxException.BadRequest(
          "verdict", "'verdict' must be one of " + new java.util.TreeSet<>(VERDICTS));
    }
    ReviewItem item =
        queue
            .decide(id, verdict, rating, note, clock.instant())
            .orElseThrow(() -> new NyxException.NotFound("id", "no pending review with id " + id));
    double effective = rewards.reviewRating("harmful".equals(verdict), rating);
    try {
      return feedback.apply(
          item.queryId(), effective, "review " + id + " " + verdict + ": " + note, "review:" + id);
    } catch (RuntimeException e) {
      queue.reopen(id);
      throw e;
    }
  }
}
