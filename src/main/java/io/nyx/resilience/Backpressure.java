package io.nyx.resilience;

import java.util.function.ToIntFunction;

/**
 * Load shedding on the model server's own queue: when it reports more than {@code maxWaiting}
 * requests waiting for a batch slot, new calls are refused at once (the caller answers 503 with
 * Retry-After) instead of joining a queue whose wait already exceeds what a client will sit
 * through. The queue depth is the server's, not a latency measured from here, where Nyx's own CPU
 * contention would read as the server's.
 *
 * @param maxWaiting above this many waiting requests, refuse; 0 turns shedding off
 * @param waiting the backend's waiting requests by backend URL, -1 when unknown (never refused)
 */
public record Backpressure(int maxWaiting, ToIntFunction<String> waiting) {
  public static final Backpressure OFF = new Backpressure(0, url -> -1);

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
    int w = waiting.applyAsInt(backendUrl);
    return w > maxWaiting ? w : -1;
  }
}
