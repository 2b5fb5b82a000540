package io.nyx.learning;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sums evidence per trait (and per trait and query cluster) and applies the sums once per flush
 * interval in one transaction ({@link TraitStore#applySegment}), instead of one locked row update
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

  private final TraitStore store;
  private final EvidenceJournal journal;
  private final Consumer<TraitWeight> onUpdate;
  private final Duration interval;
  private final InstantSource clock;
  private final Map<EvidenceSum.Target, TraitEvidence> pending = new HashMap<>();
  private final Map<EvidenceSum.Target, Integer> counts = new HashMap<>();
  private final Deque<EvidenceJournal.Segment> unapplied = new ArrayDeque<>();
  private final ReentrantLock applying = new ReentrantLock();
  private final Thread flusher;
  private volatile boolean running = true;

  /** Without a journal: evidence waits in memory until the next flush (tests, simulations). */
  public BatchingTraitLearner(
      TraitStore store, Consumer<TraitWeight> onUpdate, Duration interval, InstantSource clock) {
    this(store, EvidenceJournal.inMemory(), onUpdate, interval, clock);
  }

  /**
   * @param journal where evidence waits for its flush; segments a crashed process left are applied
   *     first
   * @param onUpdate told of every weight written (to refresh caches and gauges)
   * @param clock the time a batch is observed at (its evidence decays from then)
   */
  public BatchingTraitLearner(
      TraitStore store,
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
    try {
      journal.advancePast(store.watermark(journal.id()));
    } catch (RuntimeException e) {
      // The database is away: the journal's own numbering (above the wall clock) stands.
      LOG.warning("cannot read the journal watermark: " + e.getMessage());
    }
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

  private synchronized void record(EvidenceSum.Target target, TraitEvidence evidence) {
    journal.append(target, evidence);
    pending.merge(target, evidence, TraitEvidence::plus);
    counts.merge(target, 1, Integer::sum);
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      flush();
    }
  }

  /** Seals what is pending as one batch and applies every queued batch, oldest first. */
  public void flush() {
    applying.lock();
    try {
      seal();
      journal.sync();
      applyQueued();
    } finally {
      applying.unlock();
    }
  }

  private void seal() {
    List<EvidenceSum> sums = new ArrayList<>();
    long seq;
    synchronized (this) {
      if (pending.isEmpty()) {
        return;
      }
      pending.forEach(
          (t, e) -> sums.add(new EvidenceSum(t.trait(), t.cluster(), e, counts.get(t))));
      pending.clear();
      counts.clear();
      seq = journal.rotate();
    }
    unapplied.addLast(new EvidenceJournal.Segment(seq, sums));
  }

  /** Stops at the first batch the store refuses: later ones wait, so the order holds. */
  private void applyQueued() {
    while (!unapplied.isEmpty()) {
      EvidenceJournal.Segment s = unapplied.peekFirst();
      try {
        store.applySegment(journal.id(), s.seq(), s.sums(), clock.instant()).forEach(onUpdate);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "trait evidence batch " + s.seq() + " deferred: " + e.getMessage());
        return;
      }
      unapplied.removeFirst();
      journal.applied(s.seq());
    }
  }

  /** Batches sealed but not yet taken by the store. */
  public int queued() {
    applying.lock();
    try {
      return unapplied.size();
    } finally {
      applying.unlock();
    }
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
    flush();
    journal.close();
  }
}
