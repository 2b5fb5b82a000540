package io.nyx.learning;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sums evidence per trait (and per trait and query cluster) and applies the sums once per flush
 * interval in one transaction ({@link SegmentStore#applySegment}), instead of one locked row update
 * (and one fsync) per answer. Under load every request to a specialist would otherwise queue on
 * that specialist's row lock.
 *
 * <p>Evidence adds up exactly, so batching loses nothing; only the decay and the weight step are
 * applied once per batch instead of once per answer, which within one interval (100 ms by default)
 * differs by a decay factor of at most {@code 2^(-0.1 s / half-life)}. Each answer's evidence is
 * written to the {@link EvidenceJournal} as it arrives and each batch is one journal segment: a
 * crash (kill -9) before the flush loses nothing, since the next start applies what the journal
 * still holds, and a batch applied just before the crash is not applied again (the store keeps the
 * journal's watermark in the same transaction). A batch the store cannot take (database down) stays
 * queued, in order, and is retried at every tick.
 */
public final class BatchingTraitLearner implements TraitLearner {
  private static final Logger LOG = Logger.getLogger(BatchingTraitLearner.class.getName());

  private final SegmentStore store;
  private final EvidenceJournal journal;
  private final Consumer<TraitWeight> onUpdate;
  private final Duration interval;
  private final InstantSource clock;
  private final Map<EvidenceSum.Target, TraitEvidence> pending = new HashMap<>();
  private final Map<EvidenceSum.Target, Integer> counts = new HashMap<>();
  private final Deque<EvidenceJournal.Segment> unapplied = new ArrayDeque<>();
  private final java.util.concurrent.atomic.AtomicInteger queued = // see queued()
      new java.util.concurrent.atomic.AtomicInteger();
  // A lock, not a monitor: record() writes to the journal while holding it, and a virtual thread
  // blocked on a monitor pins its carrier on JDK 21-23.
  private final ReentrantLock recording = new ReentrantLock();
  private final ReentrantLock applying = new ReentrantLock();
  private final Thread flusher;
  private volatile boolean running = true;
  private boolean closed; // guarded by recording

  /** Without a journal: evidence waits in memory until the next flush (tests, simulations). */
  public BatchingTraitLearner(
      SegmentStore store, Consumer<TraitWeight> onUpdate, Duration interval, InstantSource clock) {
    this(store, EvidenceJournal.inMemory(), onUpdate, interval, clock);
  }

  /**
   * @param journal where evidence waits for its flush; segments a crashed process left are applied
   *     first
   * @param onUpdate told of every weight written (to refresh caches and gauges)
   * @param clock the time a batch is observed at (its evidence decays from then)
   */
  public BatchingTraitLearner(
      SegmentStore store,
      EvidenceJournal journal,
      Consumer<TraitWeight> onUpdate,
      Duration interval,
      InstantSource clock) {
    this.store = store;
    this.journal = journal;
    this.clock = clock;
    this.onUpdate = onUpdate;
    this.interval = interval;
    this.unapplied.addAll(journal.leftovers());
    this.queued.set(unapplied.size());
    long watermark = 0;
    try {
      watermark = store.watermark(journal.id());
    } catch (RuntimeException e) {
      // The database is away: the journal's own numbering (above the wall clock) stands.
      LOG.warning("cannot read the journal watermark: " + e.getMessage());
    }
    journal.advancePast(watermark);
    this.flusher = Thread.ofVirtual().name("nyx-trait-flusher").start(this::loop);
  }

  @Override
  public void add(String trait, TraitEvidence evidence, String source) {
    record(new EvidenceSum.Target(trait, EvidenceSum.TRAIT), evidence);
  }

  @Override
  public void addInCluster(String trait, int cluster, TraitEvidence evidence) {
    if (cluster < 0) {
      throw new IllegalArgumentException("cluster must be >= 0 but was " + cluster);
    }
    record(new EvidenceSum.Target(trait, cluster), evidence);
  }

  private void record(EvidenceSum.Target target, TraitEvidence evidence) {
    recording.lock();
    try {
      if (closed) {
        LOG.warning("trait evidence after shutdown dropped (" + target.trait() + ")");
        return;
      }
      journal.append(target, evidence);
      pending.merge(target, evidence, TraitEvidence::plus);
      counts.merge(target, 1, Integer::sum);
    } finally {
      recording.unlock();
    }
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        flush();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "trait evidence flush failed; retried at the next tick", e);
      }
    }
  }

  /**
   * Applies every queued batch, oldest first, then seals what is pending as a new batch and applies
   * it. While the store refuses batches (database down) nothing new is sealed: pending evidence
   * keeps adding up in memory and in the one open journal segment, so an outage grows neither the
   * queue nor the number of files.
   */
  public void flush() {
    applying.lock();
    try {
      if (!applyQueued()) {
        return;
      }
      if (seal()) {
        journal.sync();
        applyQueued();
      }
    } finally {
      applying.unlock();
    }
  }

  /** False when there was nothing to seal. Rotates first: if that fails, nothing is cleared. */
  private boolean seal() {
    List<EvidenceSum> sums = new ArrayList<>();
    long seq;
    recording.lock();
    try {
      if (pending.isEmpty()) {
        return false;
      }
      seq = journal.rotate();
      pending.forEach((t, e) -> sums.add(new EvidenceSum(t.trait(), t.cluster(), e, answers(t))));
      pending.clear();
      counts.clear();
    } finally {
      recording.unlock();
    }
    unapplied.addLast(new EvidenceJournal.Segment(seq, sums));
    return true;
  }

  /** Under {@code recording}, as {@code counts} is. */
  private int answers(EvidenceSum.Target t) {
    return Objects.requireNonNull(counts.get(t), "record() counts every target it makes pending");
  }

  /**
   * Stops at the first batch the store refuses (later ones wait, so the order holds); true when the
   * queue is empty.
   */
  private boolean applyQueued() {
    while (!unapplied.isEmpty()) {
      EvidenceJournal.Segment s = unapplied.peekFirst();
      try {
        store.applySegment(journal.id(), s.seq(), s.sums(), clock.instant()).forEach(onUpdate);
      } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
        // Refused for what it holds, not for where the database is: a retry would refuse it
        // again and hold back every later batch, so it is dropped (loudly).
        LOG.log(Level.SEVERE, "trait evidence batch " + s.seq() + " dropped: " + s.sums(), e);
      } catch (RuntimeException e) {
        if (queued.get() == 0) { // once per outage, not every tick
          LOG.warning("trait evidence waits on disk for the database: " + e.getMessage());
        }
        queued.set(unapplied.size());
        return false;
      }
      unapplied.removeFirst();
      journal.applied(s.seq());
    }
    if (queued.getAndSet(0) > 0) {
      LOG.info("trait evidence that waited for the database is applied");
    }
    return true;
  }

  /**
   * Batches the store has refused so far and that wait on disk (a batch being applied in the
   * ordinary course does not count: it would make every flush look like an outage).
   */
  public int queued() {
    return queued.get();
  }

  @Override
  public void close() {
    running = false;
    flusher.interrupt();
    try {
      flusher.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    applying.lock(); // then recording, the order flush() takes them in
    try {
      recording.lock();
      try {
        closed = true; // from here on nothing is added, so the journal may close after the flush
      } finally {
        recording.unlock();
      }
      flush();
      journal.close();
    } finally {
      applying.unlock();
    }
  }
}
