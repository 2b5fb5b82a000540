package io.nyx.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Puts texts that callers ask for at the same time into one {@link Embedder#embedAll} call, for an
 * embedder whose cost is per call rather than per text (a remote {@code /v1/embeddings}: one HTTP
 * exchange each way, and the server batches on the GPU anyway). At most {@code maxInFlight} such
 * calls run at once; a text asked for while they are all busy waits, and the next free caller sends
 * every waiting text (up to {@code maxBatch}) in one call. Nothing waits on a timer: an idle
 * embedder sends a lone text at once, so batching costs latency only when calls are already out.
 * Callers' own batches ({@link #embedAll}) go straight through and do not count.
 *
 * <p>A caller sends only while its own text is still waiting, so it never sits in someone else's
 * call after its own vector is ready. Calls run on a virtual thread of their own: an interrupted
 * caller stops waiting with a {@link CancellationException} (once a call it is sending returns),
 * but its interrupt never reaches a call that carries other callers' texts. One bad text must not
 * fail the texts it happened to travel with, so the texts of a batch the embedder rejects ({@link
 * TextsRejectedException}) are queued again to go one by one, each sent by whichever caller is
 * free. Any other failure (down, timed out) is every text's. Each caller gets an exception of its
 * own. Thread-safe.
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

  /** A text waiting for its vector. Every field is read and written holding {@link #lock}. */
  private static final class Pending {
    final String text;
    boolean queued = true;
    boolean alone; // its batch was rejected: it goes by itself
    boolean abandoned; // its caller stopped waiting
    float @Nullable [] vector;
    @Nullable RuntimeException error;

    Pending(String text) {
      this.text = text;
    }

    boolean done() {
      return vector != null || error != null;
    }
  }

  /** What one call gave: a vector per text, or the failure every text shares. */
  private record Outcome(@Nullable List<float[]> vectors, @Nullable RuntimeException error) {}

  /** Texts waiting for a call (sent ones no longer count), for tests that need callers queued. */
  int waitingTexts() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
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
      awaitDone(mine);
      if (mine.error != null) {
        throw ownCopy(mine.error);
      }
      return Objects.requireNonNull(mine.vector, "done without an error means with a vector");
    } finally {
      if (!mine.done()) {
        mine.abandoned = true; // left by an exception: nobody is to send it for this caller
        waiting.remove(mine);
      }
      lock.unlock();
    }
  }

  /** Holding the lock: sends while its own text waits and a call is free, else waits. */
  private void awaitDone(Pending mine) {
    while (!mine.done()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("interrupted while waiting for the embedding of a text");
      } else if (mine.queued && inFlight < maxInFlight) {
        sendNextBatch();
      } else {
        try {
          changed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Holding the lock, with the caller's own text queued; releases the lock while the call runs. */
  private void sendNextBatch() {
    List<Pending> batch = new ArrayList<>();
    if (waiting.getFirst().alone) {
      batch.add(waiting.poll());
    } else {
      while (!waiting.isEmpty() && !waiting.peek().alone && batch.size() < maxBatch) {
        batch.add(waiting.poll());
      }
    }
    batch.forEach(p -> p.queued = false);
    inFlight++;
    lock.unlock();
    Outcome outcome = null;
    try {
      outcome = callApart(batch);
    } finally {
      lock.lock();
      inFlight--;
      settle(batch, outcome);
      changed.signalAll();
    }
  }

  /**
   * Runs the call on a virtual thread of its own, so an interrupt of the caller sending it, who may
   * stop waiting for its own text, never reaches a call that carries others' texts (an interrupted
   * HTTP call fails). The caller's interrupt is kept for it to act on afterwards.
   */
  private Outcome callApart(List<Pending> batch) {
    FutureTask<Outcome> task = new FutureTask<>(() -> call(batch));
    Thread.ofVirtual().name("embedding-call").start(task);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error error) {
            throw error; // settles the batch as failed on the way out
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs without the lock, on the call's own thread. */
  private Outcome call(List<Pending> batch) {
    List<String> texts = batch.stream().map(p -> p.text).toList();
    try {
      List<float[]> vectors = inner.embedAll(texts);
      // not List.contains(null): immutable lists throw on it
      if (vectors.size() != texts.size() || vectors.stream().anyMatch(v -> v == null)) {
        return new Outcome(
            null,
            new IllegalStateException(
                inner.modelId()
                    + " returned "
                    + vectors.size()
                    + " vectors (nulls included) for "
                    + texts.size()
                    + " texts"));
      }
      return new Outcome(vectors, null);
    } catch (RuntimeException e) {
      return new Outcome(null, e);
    }
  }

  /** Holding the lock. A null outcome: the call threw an Error, which the sender rethrows. */
  private void settle(List<Pending> batch, @Nullable Outcome outcome) {
    if (outcome == null) {
      batch.forEach(
          p -> p.error = new IllegalStateException("the embedding call ended in a JVM Error"));
    } else if (outcome.vectors() != null) {
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).vector = outcome.vectors().get(i);
      }
    } else if (outcome.error() instanceof TextsRejectedException && batch.size() > 1) {
      for (int i = batch.size() - 1; i >= 0; i--) {
        Pending p = batch.get(i);
        if (p.abandoned) {
          continue;
        }
        p.alone = true;
        p.queued = true;
        waiting.addFirst(p);
      }
    } else {
      batch.forEach(p -> p.error = outcome.error());
    }
  }

  /** The shared failure as this caller's own exception (its stack, its suppressed list). */
  private static RuntimeException ownCopy(RuntimeException shared) {
    if (shared instanceof TextsRejectedException) {
      return new TextsRejectedException(shared.getMessage(), shared);
    }
    return new EmbeddingFailedException(shared.getMessage(), shared);
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
