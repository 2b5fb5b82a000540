package io.nyx.tracing;

import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Where Nyx's traces go: one trace per request, a span per step. A port: the domain opens spans
 * through it and knows no tracing library; the OpenTelemetry adapter is wired in {@code app} when
 * {@code tracing.endpoint} is set, and {@link #OFF} otherwise, which allocates nothing and records
 * nothing. Every span it opens is the current one on the calling thread until closed (so open it in
 * a try-with-resources block on the thread that closes it); spans opened meanwhile are its
 * children. Implementations are thread-safe.
 */
public interface Tracer extends AutoCloseable {

  /**
   * The span of one incoming request: a child of the caller's span when {@code traceparent} is a
   * valid W3C trace context header (with its {@code tracestate}), else the root of a new trace.
   */
  Span request(String name, @Nullable String traceparent, @Nullable String tracestate);

  /** A step of the current span's work (a new trace's root when no span is current). */
  Span span(String name);

  /**
   * A call to another server, as a child of the current span: while it is current, {@link #inject}
   * hands that server this span as its parent, so the server's own spans join the trace.
   */
  Span client(String name);

  /**
   * Gives the current span's W3C trace context headers ({@code traceparent}, and {@code tracestate}
   * when there is one) to {@code header}, for a request about to be sent; nothing when no span is
   * current.
   */
  void inject(BiConsumer<String, String> header);

  /** False for {@link #OFF}: callers may skip wiring what would only feed it. */
  default boolean enabled() {
    return true;
  }

  /** Exports what is still buffered and stops exporting. */
  @Override
  default void close() {}

  /** Tracing off: every span is {@link Span#NOOP}, nothing is injected. */
  Tracer OFF = new NoopTracer();
}
