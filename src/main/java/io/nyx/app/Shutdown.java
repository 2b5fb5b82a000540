package io.nyx.app;

/**
 * Stops parts in order, every one of them even when an earlier one fails: a server that threw while
 * stopping must not leave the database pool open and the embedded PostgreSQL running. The first
 * failure is rethrown at the end with the later ones suppressed on it; an interrupt stays set.
 */
final class Shutdown {
  private Shutdown() {}

  /** One step of a shutdown. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  static void run(Step... steps) {
    RuntimeException first = null;
    for (Step step : steps) {
      try {
        step.run();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        RuntimeException failure =
            e instanceof RuntimeException r
                ? r
                : new IllegalStateException("shutdown step failed", e);
        if (first == null) {
          first = failure;
        } else {
          first.addSuppressed(failure);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
