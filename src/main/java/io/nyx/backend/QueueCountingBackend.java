package io.nyx.backend;

import io.nyx.resilience.Backpressure;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tells the load shedding of each chat call sent to a model server and of its return, whoever sends
 * it (a specialist's generation, a fallback, the master model routing), so the estimate of that
 * server's queue between two reads of its {@code /metrics} counts them all.
 */
public final class QueueCountingBackend implements ChatBackend {
  private final ChatBackend inner;
  private final Backpressure backpressure;

  public QueueCountingBackend(ChatBackend inner, Backpressure backpressure) {
    this.inner = inner;
    this.backpressure = backpressure;
  }

  @Override
  public ChatResult complete(ChatRequest request) throws BackendException {
    backpressure.sent(inner.baseUrl());
    try {
      return inner.complete(request);
    } finally {
      backpressure.answered(inner.baseUrl());
    }
  }

  @Override
  public ChatResult stream(ChatRequest request, Consumer<StreamDelta> sink)
      throws BackendException {
    backpressure.sent(inner.baseUrl());
    try {
      return inner.stream(request, sink);
    } finally {
      backpressure.answered(inner.baseUrl());
    }
  }

  @Override
  public List<ModelInfo> models() throws BackendException {
    return inner.models();
  }

  @Override
  public String baseUrl() {
    return inner.baseUrl();
  }
}
