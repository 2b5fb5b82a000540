package io.nyx.resilience;

import java.time.Duration;

/** Waits; passed in so tests retry without sleeping. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration d) throws InterruptedException;

  Sleeper REAL = Thread::sleep;
}
