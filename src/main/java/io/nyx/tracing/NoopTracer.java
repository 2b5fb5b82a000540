package io.nyx.tracing;

import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/** {@link Tracer#OFF}: the one {@link Span#NOOP} for every span, no headers. */
final class NoopTracer implements Tracer {
  @Override
  public Span request(String name, @Nullable String traceparent, @Nullable String tracestate) {
    return Span.NOOP;
  }

  @Override
  public Span span(String name) {
    return Span.NOOP;
  }

  @Override
  public Span client(String name) {
    return Span.NOOP;
  }

  @Override
  public void inject(BiConsumer<String, String> header) {}

  @Override
  public boolean enabled() {
    return false;
  }
}
