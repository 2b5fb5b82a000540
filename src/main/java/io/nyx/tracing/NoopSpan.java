package io.nyx.tracing;

import org.jspecify.annotations.Nullable;

/** {@link Span#NOOP}: stateless, so one instance serves every thread. */
final class NoopSpan implements Span {
  @Override
  public boolean recording() {
    return false;
  }

  @Override
  public Span attribute(String key, @Nullable String value) {
    return this;
  }

  @Override
  public Span attribute(String key, long value) {
    return this;
  }

  @Override
  public Span attribute(String key, double value) {
    return this;
  }

  @Override
  public Span attribute(String key, boolean value) {
    return this;
  }

  @Override
  public Span name(String name) {
    return this;
  }

  @Override
  public Span failed(Throwable error) {
    return this;
  }

  @Override
  public Span failed(String description) {
    return this;
  }

  @Override
  public void close() {}
}
