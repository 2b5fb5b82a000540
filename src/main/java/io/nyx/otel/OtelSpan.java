package io.nyx.otel;

import io.nyx.tracing.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import org.jspecify.annotations.Nullable;

/** An OpenTelemetry span and the scope that makes it current until {@link #close}. */
final class OtelSpan implements Span {
  private final io.opentelemetry.api.trace.Span span;
  private final Scope scope;

  OtelSpan(io.opentelemetry.api.trace.Span span, Scope scope) {
    this.span = span;
    this.scope = scope;
  }

  @Override
  public boolean recording() {
    return span.isRecording();
  }

  @Override
  public Span attribute(String key, @Nullable String value) {
    if (value != null) {
      span.setAttribute(key, value);
    }
    return this;
  }

  @Override
  public Span attribute(String key, long value) {
    span.setAttribute(key, value);
    return this;
  }

  @Override
  public Span attribute(String key, double value) {
    span.setAttribute(key, value);
    return this;
  }

  @Override
  public Span attribute(String key, boolean value) {
    span.setAttribute(key, value);
    return this;
  }

  @Override
  public Span name(String name) {
    span.updateName(name);
    return this;
  }

  @Override
  public Span failed(Throwable error) {
    span.recordException(error);
    span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
    return this;
  }

  @Override
  public Span failed(String description) {
    span.setStatus(StatusCode.ERROR, description);
    return this;
  }

  @Override
  public void close() {
    scope.close();
    span.end();
  }
}
