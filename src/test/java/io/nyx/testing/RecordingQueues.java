package io.nyx.testing;

import io.nyx.resilience.Backpressure;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Queues that never report a queue ({@code waiting} is 0) and record each call told to them, as
 * {@code "sent URL"} and {@code "back URL"}, in order.
 */
public final class RecordingQueues implements Backpressure.Queues {
  private final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public int waiting(String url) {
    return 0;
  }

  @Override
  public void sent(String url) {
    events.add("sent " + url);
  }

  @Override
  public void answered(String url) {
    events.add("back " + url);
  }

  public List<String> events() {
    return List.copyOf(events);
  }
}
