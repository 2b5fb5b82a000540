package io.nyx.app;

import io.nyx.api.Readiness;
import io.nyx.context.MemoryBank;
import io.nyx.context.MemorySnapshot;
import io.nyx.context.MemoryStore;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings the vector index up to date with the database on its own thread, so the server need not
 * wait for it: a warm start (snapshot plus the rows added since) takes seconds, but a cold one
 * (first start, new model, lost snapshot) builds an HNSW graph of every memory, minutes for a
 * million on two cores. Until it is done, recall answers from what is indexed so far and {@code
 * /ready} reports the progress (503), so a load balancer keeps traffic on replicas that are ready.
 *
 * <p>Ordering: the restore starts once the notification listener is connected, so every row is
 * either visible to the restore's read or notified after it (a row deleted during the restore may
 * be re-added by it; recall reads candidates back from the database, so it never surfaces). After
 * the restore the bank catches up once more, for a listener that reconnected meanwhile. A failed
 * restore is retried every {@link #RETRY}. Thread-safe.
 */
final class IndexRestore {
  static final Duration RETRY = Duration.ofSeconds(2);

  /** How long to wait for the listener before restoring anyway (notifications may lag). */
  static final Duration LISTEN_WAIT = Duration.ofSeconds(5);

  private static final Logger LOG = Logger.getLogger(IndexRestore.class.getName());

  private final MemorySnapshot snapshot;
  private final MemoryStore store;
  private final MemoryBank bank;
  private final CountDownLatch listening = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread thread;
  private final long startNanos = System.nanoTime();
  private volatile boolean stopped;
  private volatile String failure = "";

  IndexRestore(MemorySnapshot snapshot, MemoryStore store, MemoryBank bank) {
    this.snapshot = snapshot;
    this.store = store;
    this.bank = bank;
    this.thread = Thread.ofPlatform().daemon().name("nyx-memory-restore").unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** The notification listener is connected (called on every connect). */
  void listening() {
    listening.countDown();
    if (isDone()) {
      bank.catchUp();
    }
  }

  private void run() {
    await(listening, LISTEN_WAIT);
    while (!stopped) {
      try {
        long max = snapshot.restore(store);
        bank.indexedUpTo(max);
        done.countDown();
        bank.catchUp();
        LOG.info(
            () ->
                "memory index up to date: max id "
                    + max
                    + ", "
                    + snapshot.rowsRead()
                    + " rows read in "
                    + elapsedSeconds()
                    + " s");
        return;
      } catch (CancellationException e) {
        return;
      } catch (RuntimeException e) {
        failure = String.valueOf(e.getMessage());
        LOG.log(Level.WARNING, "memory index restore failed; retrying in " + RETRY, e);
        sleep(RETRY);
      }
    }
  }

  boolean isDone() {
    return done.getCount() == 0;
  }

  /** Waits up to {@code timeout} for the restore; true when it is done. */
  boolean awaitDone(Duration timeout) {
    return await(done, timeout);
  }

  Readiness.Check check() {
    if (isDone()) {
      return new Readiness.Check(true, "memory index up to date with the database");
    }
    String detail =
        "memory index catching up with the database: "
            + snapshot.rowsRead()
            + " rows indexed in "
            + elapsedSeconds()
            + " s"
            + (failure.isEmpty() ? "" : "; last attempt failed: " + failure);
    return new Readiness.Check(false, detail);
  }

  private long elapsedSeconds() {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
  }

  /** Stops a running restore and waits for its thread (its last batches finish first). */
  void stop(Duration timeout) {
    stopped = true;
    snapshot.stop();
    try {
      thread.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean await(CountDownLatch latch, Duration timeout) {
    try {
      return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return latch.getCount() == 0;
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    }
  }
}
