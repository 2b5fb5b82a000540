package io.nyx.tracing;

import org.jspecify.annotations.Nullable;

/**
 * One step of a trace, current on its thread from {@link Tracer} until {@link #close}. Attribute
 * setters return the span, for chaining; on {@link #NOOP} they do nothing, so a caller that would
 * compute an attribute's value (a string it must build) asks {@link #recording()} first.
 */
public interface Span extends AutoCloseable {

  /** False when nothing is recorded (tracing off, or the trace was not sampled). */
  boolean recording();

  Span attribute(String key, @Nullable String value);

  Span attribute(String key, long value);

  Span attribute(String key, double value);

  Span attribute(String key, boolean value);

  /** Renames the span, e.g. once the route a request matched is known. */
  Span name(String name);

  /** Marks the span failed by {@code error}, which is recorded with it. */
  Span failed(Throwable error);

  /** Marks the span failed, for a failure that is not an exception (an error status). */
  Span failed(String description);

  /** Ends the span and restores the span that was current before it. */
  @Override
  void close();

  /** Records nothing. */
  Span NOOP = new NoopSpan();
}
