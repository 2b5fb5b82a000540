package io.nyx.adapter;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the adapter life cycle beside the requests: every refresh interval this replica reloads its
 * routing table from the registry (so it follows decisions made anywhere within that interval), and
 * every check interval, if it holds the {@link Leadership}, it takes the automatic decisions. A
 * failed round (database away) is logged and the next one tries again; the routing table keeps its
 * last state meanwhile. {@link #close} stops the thread and gives the lead up.
 */
public final class AdapterSupervisor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AdapterSupervisor.class.getName());

  private final AdapterLifecycle lifecycle;
  private final Leadership leadership;
  private final Duration refresh;
  private final long checkNanos;
  private final LongSupplier nanoClock;
  private final Thread thread;
  private volatile boolean running = true;
  private boolean failing;

  private AdapterSupervisor(
      AdapterLifecycle lifecycle, Leadership leadership, AdapterSettings s, LongSupplier nanos) {
    this.lifecycle = lifecycle;
    this.leadership = leadership;
    // A check waits for the next round, so rounds come at least as often as checks.
    this.refresh = Duration.ofMillis(Math.min(s.refreshIntervalMs(), s.checkIntervalMs()));
    this.checkNanos = Duration.ofMillis(s.checkIntervalMs()).toNanos();
    this.nanoClock = nanos;
    this.thread = Thread.ofPlatform().daemon().name("nyx-adapters").unstarted(this::loop);
  }

  public static AdapterSupervisor start(
      AdapterLifecycle lifecycle, Leadership leadership, AdapterSettings s, LongSupplier nanos) {
    AdapterSupervisor supervisor = new AdapterSupervisor(lifecycle, leadership, s, nanos);
    supervisor.thread.start();
    return supervisor;
  }

  private void loop() {
    long nextCheck = nanoClock.getAsLong() + checkNanos;
    while (running) {
      if (!pause(refresh)) {
        return;
      }
      boolean check = nanoClock.getAsLong() - nextCheck >= 0;
      try {
        if (check && leadership.lead()) {
          lifecycle.decide();
        } else {
          lifecycle.refresh();
        }
        failing = false;
      } catch (RuntimeException e) {
        // Once per outage at WARNING: the database being away is reported elsewhere too.
        LOG.log(
            failing ? Level.FINE : Level.WARNING,
            "adapter registry not read; the routing table stays as it was: " + e.getMessage(),
            failing ? e : null);
        failing = true;
      }
      if (check) {
        nextCheck = nanoClock.getAsLong() + checkNanos;
      }
    }
  }

  /** False when interrupted (closing). */
  private static boolean pause(Duration d) {
    try {
      Thread.sleep(d);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      leadership.close();
    }
  }
}
