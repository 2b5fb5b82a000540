package io.nyx.app;

import io.nyx.api.Readiness.Check;
import io.nyx.persistence.durable.SpoolState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code /ready}'s view of the write spools. Not ready when one is stuck: it holds writes and has
 * moved none of them for {@code stuckAfter} while PostgreSQL answers (measured between calls, so a
 * probe every few seconds sees it within that bound plus one interval); every later write queues
 * behind it, on local disk, without bound. Degraded when one has dead letters: writes the database
 * refused for good are set aside on local disk and the queue flows, so the instance can serve, but
 * an operator must look ({@code nyx spool dead-letters}). Dead letters do not take the instance out
 * of rotation: that would turn one bad row into an outage of every instance it reached. Details
 * name spools and counts, never paths. Thread-safe.
 */
final class SpoolCheck {
  /** How long a spool may hold writes without moving one while the database answers. */
  static final Duration STUCK_AFTER = Duration.ofMinutes(1);

  /** The last change a spool was seen to make: frames moved, at {@code nanos}. */
  private record Seen(long moved, long nanos) {}

  private final Map<String, Supplier<SpoolState>> spools;
  private final long stuckAfterNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Seen> seen = new HashMap<>(); // guarded by this

  SpoolCheck(
      Map<String, Supplier<SpoolState>> spools, Duration stuckAfter, LongSupplier nanoClock) {
    this.spools = Map.copyOf(spools);
    this.stuckAfterNanos = stuckAfter.toNanos();
    this.nanoClock = nanoClock;
  }

  synchronized Check check(boolean databaseAnswers) {
    long now = nanoClock.getAsLong();
    List<String> stuck = new ArrayList<>();
    List<String> dead = new ArrayList<>();
    for (var e : new java.util.TreeMap<>(spools).entrySet()) {
      SpoolState s = e.getValue().get();
      if (stuck(e.getKey(), s, databaseAnswers, now)) {
        stuck.add(e.getKey() + " (" + s.pending() + " waiting)");
      }
      if (s.deadLetters() > 0) {
        dead.add(e.getKey() + " (" + s.deadLetters() + ")");
      }
    }
    String deadNote =
        dead.isEmpty()
            ? ""
            : "; dead letters, writes the database refused for good: "
                + String.join(", ", dead)
                + " (inspect: nyx spool dead-letters)";
    if (!stuck.isEmpty()) {
      return new Check(
          false,
          "stuck: PostgreSQL answers but these spools moved no write for "
              + Duration.ofNanos(stuckAfterNanos).toSeconds()
              + " s: "
              + String.join(", ", stuck)
              + deadNote);
    }
    if (!dead.isEmpty()) {
      return Check.degraded("spools flow" + deadNote);
    }
    return new Check(true, "spools flow, no dead letters");
  }

  private boolean stuck(String kind, SpoolState s, boolean databaseAnswers, long now) {
    Seen last = seen.get(kind);
    if (s.pending() == 0) {
      seen.remove(kind);
      return false;
    }
    if (last == null || last.moved() != s.moved() || !databaseAnswers) {
      seen.put(kind, new Seen(s.moved(), now)); // waiting for the database is not being stuck
      return false;
    }
    return now - last.nanos() >= stuckAfterNanos;
  }
}
