package io.nyx.context;

import io.nyx.memory.Owner;
import io.nyx.memory.VectorIndex;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Adds a stream of vectors to an index from {@code threads} threads, so a rebuild uses every core:
 * building the HNSW graph costs far more than reading the rows (1M vectors: minutes against
 * seconds), and Lucene indexes concurrent adds into separate segments without contention. The
 * producer hands over batches of {@value #BATCH}; at most two batches per thread wait, which bounds
 * the memory held to a few MB.
 *
 * <p>One producer thread calls {@link #add}; {@link #close} waits for every batch and rethrows the
 * first failure. Not reusable.
 */
final class BulkIndexer implements AutoCloseable {
  static final int BATCH = 256;

  private final VectorIndex index;
  private final ExecutorService pool;
  private final Semaphore inFlight;
  private final AtomicReference<@Nullable RuntimeException> failure = new AtomicReference<>();
  private final AtomicLong added = new AtomicLong();
  private long[] ids = new long[BATCH];
  private float[][] vectors = new float[BATCH][];
  private Owner[] owners = new Owner[BATCH];
  private int size;

  BulkIndexer(VectorIndex index, int threads) {
    this.index = index;
    this.pool =
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().daemon().name("nyx-memory-index-", 0).factory());
    this.inFlight = new Semaphore(2 * threads);
  }

  void add(long id, float[] vector, Owner owner) {
    ids[size] = id;
    owners[size] = owner;
    vectors[size++] = vector;
    if (size == BATCH) {
      flush();
    }
  }

  /** Vectors added to the index so far. */
  long added() {
    return added.get();
  }

  private void flush() {
    RuntimeException failed = failure.get();
    if (failed != null) {
      throw failed;
    }
    long[] batchIds = ids;
    float[][] batch = vectors;
    Owner[] batchOwners = owners;
    int n = size;
    ids = new long[BATCH];
    vectors = new float[BATCH][];
    owners = new Owner[BATCH];
    size = 0;
    acquire();
    pool.execute(() -> addAll(batchIds, batch, batchOwners, n));
  }

  private void addAll(long[] batchIds, float[][] batch, Owner[] batchOwners, int n) {
    try {
      for (int i = 0; i < n; i++) {
        index.add(batchIds[i], batch[i], batchOwners[i]);
      }
      added.addAndGet(n);
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    } finally {
      inFlight.release();
    }
  }

  private void acquire() {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while indexing vectors", e);
    }
  }

  @Override
  public void close() {
    try {
      if (size > 0 && failure.get() == null) {
        flush();
      }
    } finally {
      pool.close(); // waits for the batches handed over
    }
    RuntimeException failed = failure.get();
    if (failed != null) {
      throw failed;
    }
  }
}
