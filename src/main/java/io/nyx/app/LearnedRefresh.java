package io.nyx.app;

import io.nyx.routing.ExemplarLearning;
import java.time.Duration;

/**
 * Keeps this replica's learned route exemplars in step with the database: every interval, a cheap
 * version query, and a reload of the router's learned anchors only when another replica (or the
 * CLI) added or removed one. A failed check (database away) is tried again at the next tick; the
 * router keeps what it had. Close to stop.
 */
final class LearnedRefresh implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LearnedRefresh.class.getName());

  private final Thread thread;

  private LearnedRefresh(Thread thread) {
    this.thread = thread;
  }

  static LearnedRefresh start(ExemplarLearning learning, Duration interval) {
    return new LearnedRefresh(
        Thread.ofVirtual().name("nyx-learned-exemplars").start(() -> run(learning, interval)));
  }

  private static void run(ExemplarLearning learning, Duration interval) {
    while (true) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return; // closed
      }
      try {
        learning.refreshIfChanged();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "learned exemplars not refreshed", e);
      }
    }
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
