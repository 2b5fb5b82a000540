package io.nyx.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The request log as {@code nyx rewards recompute} walks it: page by page in {@code (created_at,
 * id)} order, so each page reads an index range of the partitions it touches and a long walk never
 * holds more than one page of row locks. Thread-safe.
 */
public interface RescoreStore {

  /** Where a page ended; the next page starts after it. */
  record Cursor(Instant createdAt, UUID id) {}

  /** One row of a page: its reward before and after, and whether people had rated it. */
  record Change(UUID id, double oldReward, double newReward, boolean rated, boolean written) {}

  record Page(List<Change> rows, Optional<Cursor> last) {}

  /**
   * Locks up to {@code limit} rows created at or after {@code since} (and after {@code after}),
   * hands each with its ratings to {@code rescore}, and, when {@code write}, stores the reward and
   * components of those it says to write — all in one transaction, so a feedback arriving meanwhile
   * either is folded in here or builds on the new reward.
   */
  Page page(
      Instant since,
      Optional<Cursor> after,
      int limit,
      Function<RescoreRow, Rescoring.Rescored> rescore,
      boolean write);
}
