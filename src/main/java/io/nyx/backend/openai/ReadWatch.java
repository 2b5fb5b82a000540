package io.nyx.backend.openai;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A deadline for blocking reads of a response body. {@code HttpRequest.timeout} only covers the
 * wait for the response headers, so a server that sends headers and then stalls would block the
 * reading thread forever; when the deadline passes this closes the body stream, which makes the
 * blocked {@code read} fail, and {@link #expired()} tells the reader that the failure was the
 * deadline.
 *
 * <p>Two modes: a fixed deadline (a whole non-streaming body) and an idle deadline that {@link
 * #touch()} pushes forward (the gap between stream events). Touching only writes a volatile; the
 * watchdog re-checks when its timer fires, so a fast stream does not reschedule per event.
 *
 * <p>Thread-safe: the reading thread touches and closes, the shared watchdog thread expires.
 */
final class ReadWatch implements AutoCloseable {
  private static final ScheduledExecutorService WATCHDOG = newWatchdog();

  private final InputStream in;
  private final long idleNanos; // 0 for a fixed deadline
  private volatile long deadlineNanos;
  private volatile boolean expired;
  private @Nullable ScheduledFuture<?> timer; // guarded by this
  private boolean closed; // guarded by this

  private ReadWatch(InputStream in, long deadlineNanos, long idleNanos) {
    this.in = in;
    this.deadlineNanos = deadlineNanos;
    this.idleNanos = idleNanos;
  }

  /** Closes {@code in} at {@code deadlineNanos} (a {@link System#nanoTime()} value). */
  static ReadWatch until(InputStream in, long deadlineNanos) {
    ReadWatch watch = new ReadWatch(in, deadlineNanos, 0);
    watch.arm(deadlineNanos - System.nanoTime());
    return watch;
  }

  /** Closes {@code in} once no {@link #touch()} happened for {@code idleNanos}. */
  static ReadWatch idle(InputStream in, long idleNanos) {
    ReadWatch watch = new ReadWatch(in, System.nanoTime() + idleNanos, idleNanos);
    watch.arm(idleNanos);
    return watch;
  }

  /** Data arrived: an idle deadline starts again; a fixed deadline is unaffected. */
  void touch() {
    if (idleNanos > 0) {
      deadlineNanos = System.nanoTime() + idleNanos;
    }
  }

  boolean expired() {
    return expired;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private synchronized void arm(long delayNanos) {
    if (!closed) {
      timer = WATCHDOG.schedule(this::check, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }
  }

  private void check() {
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) {
      arm(left);
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      expired = true;
    }
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      in.close();
    } catch (IOException e) {
      // The stream is being abandoned because of the deadline; the reader reports the timeout.
    }
  }

  private static ScheduledExecutorService newWatchdog() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "nyx-backend-read-watchdog");
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    return Executors.unconfigurableScheduledExecutorService(executor);
  }
}
