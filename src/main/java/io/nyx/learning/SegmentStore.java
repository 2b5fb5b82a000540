package io.nyx.learning;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where {@link BatchingTraitLearner} applies its journal segments (see {@link EvidenceJournal}),
 * and the watermark per journal that makes a segment count once (table {@code
 * nyx_learner_journals}). A segment's evidence for traits, traits in clusters and the base model is
 * applied together with the watermark, atomically (in PostgreSQL: one transaction), so a segment
 * replayed after a crash is skipped. Thread-safe. Failures of the store raise {@link
 * io.nyx.persistence.StoreException} (the learner retries the segment); evidence the store rejects
 * raises {@link IllegalArgumentException} (the learner drops the segment).
 */
public interface SegmentStore {

  /**
   * Applies a journal segment at once, together with the journal's watermark: when segment {@code
   * seq} of {@code journal}, or a later one, was applied before, it is skipped, so a segment
   * replayed after a crash counts once. Targets are applied in a fixed order (trait, then cluster),
   * so replicas lock rows in the same order. Evidence for a trait that no longer exists is dropped.
   *
   * @return the weights after the trait-level updates (empty when skipped), to refresh caches
   */
  List<TraitWeight> applySegment(UUID journal, long seq, List<EvidenceSum> sums, Instant at);

  /** The last segment of {@code journal} applied, 0 when none. */
  long watermark(UUID journal);
}
