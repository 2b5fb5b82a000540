package io.nyx.learning;

import java.util.List;
import java.util.UUID;

/**
 * Where {@link BatchingTraitLearner} writes each piece of evidence before it is applied, so a crash
 * between an answer and the next flush loses none of it. Evidence is kept in numbered segments, one
 * per flush; a segment is forgotten once {@link SegmentStore#applySegment} has applied it, and a
 * segment left by a crashed process is applied at the next start ({@link #leftovers}), once: the
 * store keeps a watermark per journal {@link #id}.
 */
public interface EvidenceJournal extends AutoCloseable {

  /** A sealed segment: its number and its evidence summed per target. */
  record Segment(long seq, List<EvidenceSum> sums) {
    public Segment {
      sums = List.copyOf(sums);
    }
  }

  /** Identifies this journal (one per replica) in the store's watermarks. */
  UUID id();

  /** Records one answer's evidence in the open segment. */
  void append(EvidenceSum.Target target, TraitEvidence evidence);

  /** Seals the open segment and opens the next; returns the sealed segment's number. */
  long rotate();

  /**
   * Numbers new segments above {@code applied} (the store's watermark, read at start), should the
   * journal's own numbering have fallen behind it.
   */
  void advancePast(long applied);

  /** Makes every sealed segment durable (called outside the learner's lock). */
  void sync();

  /** Segment {@code seq} is applied: it may go. */
  void applied(long seq);

  /** Sealed segments found at start, oldest first (a crashed process left them). */
  List<Segment> leftovers();

  @Override
  void close();

  /**
   * No journal: evidence lives in memory until flushed (tests, simulations). Its own random id, so
   * its segment numbers never meet another journal's watermark.
   */
  static EvidenceJournal inMemory() {
    return new EvidenceJournal() {
      private final UUID id = UUID.randomUUID();
      private final java.util.concurrent.atomic.AtomicLong seq =
          new java.util.concurrent.atomic.AtomicLong();

      @Override
      public UUID id() {
        return id;
      }

      @Override
      public void append(EvidenceSum.Target target, TraitEvidence evidence) {}

      @Override
      public long rotate() {
        return seq.incrementAndGet();
      }

      @Override
      public void advancePast(long applied) {
        seq.accumulateAndGet(applied, Math::max);
      }

      @Override
      public void sync() {}

      @Override
      public void applied(long seq) {}

      @Override
      public List<Segment> leftovers() {
        return List.of();
      }

      @Override
      public void close() {}
    };
  }
}
