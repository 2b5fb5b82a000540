package io.nyx.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Puts texts that callers ask for at the same time into one {@link Embedder#embedAll} call, for an
 * embedder whose cost is per call rather than per text (a remote {@code /v1/embeddings}: one HTTP
 * exchange each way, and the server batches on the GPU anyway). At most {@code maxInFlight} calls
 * run at once; a text asked for while they are all busy waits, and the next free caller sends every
 * waiting text (up to {@code maxBatch}) in one call. Nothing waits on a timer: an idle embedder
 * sends a lone text at once, so batching costs latency only when calls are already queued.
 *
 * <p>One bad text must not fail the texts it happened to travel with, so a batch the embedder
 * rejects ({@link TextsRejectedException}) is retried one text at a time: only the texts that fail
 * alone get the error. Any other failure (down, timed out) is every text's. Calls run on the
 * callers' threads (virtual threads block cheaply). Thread-safe.
 */
public final class CoalescingEmbedder implements Embedder {
  private final Embedder inner;
  private final int maxInFlight;
  private final int maxBatch;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private int inFlight;

  public CoalescingEmbedder(Embedder inner, int maxInFlight, int maxBatch) {
    if (maxInFlight < 1 || maxBatch < 1) {
      throw new IllegalArgumentException(
          "maxInFlight and maxBatch must be >= 1 but were " + maxInFlight + ", " + maxBatch);
    }
    this.inner = inner;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
  }

  /** A text waiting for its vector; guarded by {@link #lock}. */
  private static final class Pending {
    final String text;
    float @Nullable [] vector;
    @Nullable RuntimeException error;

    Pending(String text) {
      this.text = text;
    }

    boolean done() {
      return vector != null || error != null;
    }
  }

  @Override
  public String modelId() {
    return inner.modelId();
  }

  @Override
  public int dimension() {
    return inner.dimension();
  }

  @Override
  public float[] embed(String text) {
    Pending mine = new Pending(text);
    lock.lock();
    try {
      waiting.add(mine);
      while (!mine.done()) {
        // Nothing waiting means this text is in a batch another caller is sending.
        if (inFlight < maxInFlight && !waiting.isEmpty()) {
          sendNextBatch();
        } else {
          changed.awaitUninterruptibly();
        }
      }
    } finally {
      lock.unlock();
    }
    if (mine.error != null) {
      throw mine.error;
    }
    return mine.vector;
  }

  /** Called holding the lock; releases it while the call runs. */
  private void sendNextBatch() {
    List<Pending> batch = new ArrayList<>();
    while (!waiting.isEmpty() && batch.size() < maxBatch) {
      batch.add(waiting.poll());
    }
    inFlight++;
    lock.unlock();
    try {
      send(batch);
    } finally {
      lock.lock();
      inFlight--;
      changed.signalAll();
    }
  }

  /** Results are written without the lock; the lock taken after it publishes them. */
  private void send(List<Pending> batch) {
    try {
      List<float[]> vectors = inner.embedAll(batch.stream().map(p -> p.text).toList());
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).vector = vectors.get(i);
      }
    } catch (TextsRejectedException e) {
      if (batch.size() == 1) {
        batch.get(0).error = e;
      } else {
        batch.forEach(p -> send(List.of(p)));
      }
    } catch (RuntimeException e) {
      batch.forEach(p -> p.error = e); // down, timed out: every text would fail alone too
    }
  }

  /** Already a batch: goes straight through, without waiting behind single texts. */
  @Override
  public List<float[]> embedAll(List<String> texts) {
    return inner.embedAll(texts);
  }

  @Override
  public void close() {
    inner.close();
  }
}
