package io.nyx.resilience;

/**
 * Load shedding on the model server's own queue: when it reports more than {@code maxWaiting}
 * requests waiting for a batch slot, new calls are refused at once (the caller answers 503 with
 * Retry-After) instead of joining a queue whose wait already exceeds what a client will sit
 * through. The queue depth is the server's, not a latency measured from here, where Nyx's own CPU
 * contention would read as the server's.
 *
 * @param maxWaiting above this many waiting requests, refuse; 0 turns shedding off
 * @param queues the backends' queues, told of each call Nyx sends and gets back
 */
public record Backpressure(int maxWaiting, Queues queues) {
  public static final Backpressure OFF = new Backpressure(0, url -> -1);

  /** The model servers' queues as Nyx sees them. */
  @FunctionalInterface
  public interface Queues {
    /** Requests waiting at the server behind {@code backendUrl}, or -1 while unknown. */
    int waiting(String backendUrl);

    /** A call to {@code backendUrl} is about to be sent. */
    default void sent(String backendUrl) {}

    /** A call to {@code backendUrl} came back (answered or failed). */
    default void answered(String backendUrl) {}
  }

  public Backpressure {
    if (maxWaiting < 0) {
      throw new IllegalArgumentException("maxWaiting must be >= 0 but was " + maxWaiting);
    }
  }

  /** The waiting count when it is over the limit, else -1. */
  public int overLimit(String backendUrl) {
    if (maxWaiting == 0) {
      return -1;
    }
    int w = queues.waiting(backendUrl);
    return w > maxWaiting ? w : -1;
  }

  /** Tells the queues a call is leaving (nothing while shedding is off). */
  public void sent(String backendUrl) {
    if (maxWaiting > 0) {
      queues.sent(backendUrl);
    }
  }

  /** Tells the queues a call came back (nothing while shedding is off). */
  public void answered(String backendUrl) {
    if (maxWaiting > 0) {
      queues.answered(backendUrl);
    }
  }
}
