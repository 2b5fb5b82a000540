package io.nyx.context;

import io.nyx.memory.HnswIndex;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Brings a replica's on-disk vector index up to date with the store at start, so a restart with a
 * million memories reads only what changed instead of re-embedding or re-indexing everything.
 *
 * <p>The index's last commit carries the embedding model, the dimension, the document {@value
 * #FORMAT} (what each document holds besides its vector: owners since format 2) and {@code max_id},
 * the highest memory id it held. On start: a model, dimension or format change discards the
 * snapshot (an older snapshot has no owners, so it cannot filter by tenant); ids in the snapshot
 * that the store no longer has are removed (deleted while this replica was down); rows with {@code
 * id > max_id − }{@value #REPLAY} are (re)added. The replay window covers inserts whose
 * transactions committed out of id order around the snapshot (ids are taken at insert, rows become
 * visible at commit); re-adding is idempotent. Rows are read in PostgreSQL's binary array format
 * and indexed from several threads (see {@link BulkIndexer}).
 *
 * <p>{@link #restore} runs on one thread; {@link #stop} and {@link #rowsRead} may be called from
 * any other.
 */
public final class MemorySnapshot {
  static final long REPLAY = 1_000;
  private static final String MODEL = "model";
  private static final String DIMENSION = "dimension";
  private static final String MAX_ID = "max_id";
  private static final String FORMAT_KEY = "format";

  /** Documents carry their owner's tenant, session and sharing (see HnswIndex). */
  static final String FORMAT = "2";

  private final HnswIndex index;
  private final String model;
  private final int dimension;
  private final int indexThreads;
  private final AtomicLong rowsRead = new AtomicLong();
  private volatile boolean stopped;

  /** {@code indexThreads}: threads that add the rows read at start (one per core is best). */
  public MemorySnapshot(HnswIndex index, String model, int dimension, int indexThreads) {
    if (indexThreads < 1) {
      throw new IllegalArgumentException("indexThreads must be >= 1, got " + indexThreads);
    }
    this.index = index;
    this.model = model;
    this.dimension = dimension;
    this.indexThreads = indexThreads;
  }

  /**
   * Reconciles the index with the store and commits; returns the highest id now indexed.
   *
   * @throws CancellationException when {@link #stop} was called; nothing is committed then, so the
   *     previous snapshot stays the one on disk
   */
  public long restore(MemoryStore store) {
    long snapshotMax = validMaxId();
    if (snapshotMax > 0 && anyDeleted(store, snapshotMax)) {
      removeDeleted(store.idsUpTo(snapshotMax), snapshotMax);
    }
    AtomicLong max = new AtomicLong(snapshotMax);
    try (BulkIndexer bulk = new BulkIndexer(index, indexThreads)) {
      store.forEachEmbeddingAfter(
          Math.max(0, snapshotMax - REPLAY),
          (id, embedding, owner) -> {
            if (stopped) {
              throw new CancellationException("memory index restore stopped at id " + id);
            }
            bulk.add(id, embedding, owner);
            rowsRead.incrementAndGet();
            max.accumulateAndGet(id, Math::max);
          });
    }
    save(max.get());
    return max.get();
  }

  private long validMaxId() {
    Map<String, String> data = index.commitData();
    boolean same =
        model.equals(data.get(MODEL))
            && Integer.toString(dimension).equals(data.get(DIMENSION))
            && FORMAT.equals(data.get(FORMAT_KEY));
    if (!same) {
      index.clear();
      return 0;
    }
    return Long.parseLong(data.getOrDefault(MAX_ID, "0"));
  }

  /**
   * Whether the store lost rows the snapshot holds, by count: the store's ids up to {@code
   * snapshotMax} are a subset of the snapshot's (rows only get deleted; the rare row that commits
   * later than {@value #REPLAY} ids behind is missed either way), so equal counts mean equal sets.
   * Saves reading a million ids back on every start.
   */
  private boolean anyDeleted(MemoryStore store, long snapshotMax) {
    long[] held = new long[1];
    index.forEachId(
        id -> {
          if (id <= snapshotMax) {
            held[0]++;
          }
        });
    return store.countUpTo(snapshotMax) != held[0];
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

  /** Makes a running {@link #restore} stop after the row it is at; callable from any thread. */
  public void stop() {
    stopped = true;
  }

  /** Rows read from the store (and handed to the index) by {@link #restore} so far. */
  public long rowsRead() {
    return rowsRead.get();
  }

  /** Commits the index as the snapshot for the next start. */
  public void save(long maxId) {
    index.commit(
        Map.of(
            MODEL,
            model,
            DIMENSION,
            Integer.toString(dimension),
            FORMAT_KEY,
            FORMAT,
            MAX_ID,
            Long.toString(maxId)));
  }
}
