package io.nyx.app;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Keeps the request log's monthly partitions ahead of the calendar on a server that runs for
 * months: every {@code interval} it asks for the missing ones (creating none most days). Opening
 * the database does it once; without this, a server up for longer than the partitions made at its
 * start would write its rows to the DEFAULT partition, which every later start would then have to
 * empty. A failed attempt (database away, owner credentials refused) is logged and tried again
 * within the hour.
 */
final class PartitionUpkeep implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PartitionUpkeep.class.getName());

  /** How soon a failed attempt is tried again (at most). */
  static final Duration RETRY = Duration.ofHours(1);

  private final Thread thread;

  private PartitionUpkeep(Thread thread) {
    this.thread = thread;
  }

  /**
   * Starts calling {@code ensure} (which returns how many partitions it created) every interval;
   * each outcome goes to {@code checked} (true: done).
   */
  static PartitionUpkeep start(IntSupplier ensure, Duration interval, Consumer<Boolean> checked) {
    return new PartitionUpkeep(
        Thread.ofVirtual().name("nyx-partitions").start(() -> run(ensure, interval, checked)));
  }

  private static void run(IntSupplier ensure, Duration interval, Consumer<Boolean> checked) {
    Duration wait = interval;
    while (true) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        return; // closed
      }
      boolean ok = false;
      try {
        int created = ensure.getAsInt();
        ok = true;
        if (created > 0) {
          LOG.log(System.Logger.Level.INFO, "created " + created + " request-log partition(s)");
        }
        wait = interval;
      } catch (RuntimeException e) {
        if (Thread.currentThread().isInterrupted()) {
          return; // closed while the database call was in progress
        }
        wait = interval.compareTo(RETRY) < 0 ? interval : RETRY;
        LOG.log(
            System.Logger.Level.WARNING,
            "request-log partitions not checked (next try in " + wait + "): " + e.getMessage());
      }
      report(checked, ok);
    }
  }

  /** Outside the check: a failing metric must neither turn a success into a failure nor stop us. */
  private static void report(Consumer<Boolean> checked, boolean ok) {
    try {
      checked.accept(ok);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "partition check not counted: " + e);
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
