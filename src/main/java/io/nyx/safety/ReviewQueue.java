package io.nyx.safety;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The human review queue ({@code nyx_review_queue}). Thread-safe. */
public interface ReviewQueue {

  /** Queues a flagged exchange of {@code tenant}; returns its review id. */
  long enqueue(UUID queryId, String tenant, String stage, RiskAssessment assessment, Instant at);

  /** Pending items, oldest first, at most {@code limit}. */
  List<ReviewItem> pending(int limit);

  /**
   * Marks a pending item reviewed, atomically: of two reviewers deciding at once, one wins.
   *
   * @return the item as it was while pending, or empty when it is unknown or already reviewed
   */
  Optional<ReviewItem> decide(long id, String verdict, double rating, String note, Instant at);

  /** Puts a decided item back to pending (when applying its reward failed). */
  void reopen(long id);

  /** Queues nothing; for deployments without review. */
  ReviewQueue NONE =
      new ReviewQueue() {
        @Override
        public long enqueue(
            UUID queryId, String tenant, String stage, RiskAssessment assessment, Instant at) {
          return 0;
        }

        @Override
        public List<ReviewItem> pending(int limit) {
          return List.of();
        }

        @Override
        public Optional<ReviewItem> decide(
            long id, String verdict, double rating, String note, Instant at) {
          return Optional.empty();
        }

        @Override
        public void reopen(long id) {}
      };
}
