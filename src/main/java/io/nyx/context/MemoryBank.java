package io.nyx.context;

import io.nyx.memory.Audience;
import io.nyx.memory.Embedder;
import io.nyx.memory.Owner;
import io.nyx.memory.VectorIndex;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Mnemosyne's memory: the store (source of truth) and the in-process vector index derived from it.
 * Writes go to the store first, then to this replica's index; other replicas learn of them through
 * {@link #changed} (PostgreSQL notifications). Recall asks the index for {@value #OVERFETCH}x the
 * wanted number of candidates among those the caller's {@link Audience} may see, reads them back
 * from the store (so a memory deleted elsewhere is never returned, and the owner is checked again
 * against the store's word) and ranks them by {@link RecallWeights}. Thread-safe; does not own the
 * index or the store.
 */
public final class MemoryBank {
  static final int OVERFETCH = 4;
  static final int MIN_CANDIDATES = 20;

  private final MemoryStore store;
  private final Embedder embedder;
  private final VectorIndex index;
  private final RecallWeights weights;
  private final InstantSource clock;
  private final AtomicLong maxIndexed = new AtomicLong();

  public MemoryBank(
      MemoryStore store,
      Embedder embedder,
      VectorIndex index,
      RecallWeights weights,
      InstantSource clock,
      long maxIndexedId) {
    this.store = store;
    this.embedder = embedder;
    this.index = index;
    this.weights = weights;
    this.clock = clock;
    this.maxIndexed.set(maxIndexedId);
  }

  /**
   * Stores (skipping texts their tenant already stores: those come back as they are) and indexes.
   */
  public List<Memory> remember(List<NewMemory> memories) {
    List<float[]> vectors = embedder.embedAll(memories.stream().map(NewMemory::text).toList());
    List<Memory> stored = new ArrayList<>(memories.size());
    for (int i = 0; i < memories.size(); i++) {
      NewMemory m = memories.get(i);
      Memory saved = store.add(m.text(), vectors.get(i), m.metadata(), m.source(), m.owner());
      indexed(saved);
      stored.add(saved);
    }
    return stored;
  }

  /**
   * The {@code k} best memories for the query that {@code audience} may see; {@code embedding} may
   * be given to skip embedding.
   */
  public List<Recalled> recall(
      String query, float @Nullable [] embedding, int k, Audience audience) {
    if (k <= 0 || index.size() == 0) {
      return List.of();
    }
    float[] q = embedding != null ? embedding : embedder.embed(query);
    Map<Long, Double> similarity = new HashMap<>();
    for (VectorIndex.Hit hit : index.search(q, Math.max(MIN_CANDIDATES, k * OVERFETCH), audience)) {
      similarity.put(hit.id(), hit.score());
    }
    var now = clock.instant();
    return store.findAll(similarity.keySet()).stream()
        .filter(m -> audience.sees(m.owner())) // the store's owner wins over a stale index entry
        .map(
            m -> {
              double s =
                  Objects.requireNonNull(
                      similarity.get(m.id()), "the store finds only the ids it is asked for");
              return new Recalled(m, s, weights.score(s, m, now));
            })
        .sorted(
            Comparator.comparingDouble(Recalled::score)
                .reversed()
                .thenComparingLong(r -> r.memory().id()))
        .limit(k)
        .toList();
  }

  /**
   * Deletes memory {@code id} when {@code audience} owns it; true when it existed and was deleted.
   * A memory the audience does not own is reported as absent, so its existence is not revealed.
   */
  public boolean forget(long id, Audience audience) {
    boolean mine = store.find(id).map(m -> audience.owns(m.owner())).orElse(false);
    if (!mine) {
      return false;
    }
    boolean existed = store.delete(id);
    index.remove(id);
    return existed;
  }

  /** Deletes every match; returns the ids deleted. */
  public List<Long> forget(MemoryFilter filter) {
    List<Long> ids = store.delete(filter);
    ids.forEach(index::remove);
    return ids;
  }

  /**
   * Another replica (or this one) inserted, updated or deleted memory {@code id}: loads it, or
   * removes it when it is gone. Idempotent, so repeated or reordered notices converge on the
   * store's state.
   */
  public void changed(long id) {
    store.find(id).ifPresentOrElse(this::indexed, () -> index.remove(id));
  }

  /** Indexes whatever the store holds beyond the highest id seen (after a missed notification). */
  public void catchUp() {
    store.forEachEmbeddingAfter(maxIndexed.get(), this::indexed);
  }

  private void indexed(Memory m) {
    indexed(m.id(), m.embedding(), m.owner());
  }

  private void indexed(long id, float[] embedding, Owner owner) {
    index.add(id, embedding, owner);
    maxIndexed.accumulateAndGet(id, Math::max);
  }

  /** Records that a bulk restore indexed every row up to {@code id}. */
  public void indexedUpTo(long id) {
    maxIndexed.accumulateAndGet(id, Math::max);
  }

  /** The highest memory id this replica has indexed (the snapshot's progress marker). */
  public long maxIndexedId() {
    return maxIndexed.get();
  }

  public int size() {
    return index.size();
  }
}
