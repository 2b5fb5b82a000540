package io.nyx.context;

import io.nyx.memory.HnswIndex;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Brings a replica's on-disk vector index up to date with the store at start, so a restart with a
 * million memories reads only what changed instead of re-embedding or re-indexing everything.
 *
 * <p>The index's last commit carries the embedding model, the dimension and {@code max_id}, the
 * highest memory id it held. On start: a model or dimension change discards the snapshot; ids in
 * the snapshot that the store no longer has are removed (deleted while this replica was down); rows
 * with {@code id > max_id − }{@value #REPLAY} are (re)added. The replay window covers inserts whose
 * transactions committed out of id order around the snapshot (ids are taken at insert, rows become
 * visible at commit); re-adding is idempotent.
 */
public final class MemorySnapshot {
  static final long REPLAY = 1_000;
  private static final String MODEL = "model";
  private static final String DIMENSION = "dimension";
  private static final String MAX_ID = "max_id";

  private final HnswIndex index;
  private final String model;
  private final int dimension;

  public MemorySnapshot(HnswIndex index, String model, int dimension) {
    this.index = index;
    this.model = model;
    this.dimension = dimension;
  }

  /** Reconciles the index with the store and commits; returns the highest id now indexed. */
  public long restore(MemoryStore store) {
    long snapshotMax = validMaxId();
    if (snapshotMax > 0) {
      removeDeleted(store.idsUpTo(snapshotMax), snapshotMax);
    }
    AtomicLong max = new AtomicLong(snapshotMax);
    store.forEachAfter(
        Math.max(0, snapshotMax - REPLAY),
        m -> {
          index.add(m.id(), m.embedding());
          max.accumulateAndGet(m.id(), Math::max);
        });
    save(max.get());
    return max.get();
  }

  private long validMaxId() {
    Map<String, String> data = index.commitData();
    boolean same =
        model.equals(data.get(MODEL)) && Integer.toString(dimension).equals(data.get(DIMENSION));
    if (!same) {
      index.clear();
      return 0;
    }
    return Long.parseLong(data.getOrDefault(MAX_ID, "0"));
  }

  private void removeDeleted(long[] liveIdsAscending, long snapshotMax) {
    LongConsumer check =
        id -> {
          if (id <= snapshotMax && Arrays.binarySearch(liveIdsAscending, id) < 0) {
            index.remove(id);
          }
        };
    index.forEachId(check);
  }

  /** Commits the index as the snapshot for the next start. */
  public void save(long maxId) {
    index.commit(
        Map.of(MODEL, model, DIMENSION, Integer.toString(dimension), MAX_ID, Long.toString(maxId)));
  }
}
