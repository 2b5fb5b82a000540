package io.nyx.otel;

import io.nyx.tracing.Span;
import io.nyx.tracing.Tracer;
import io.nyx.tracing.TracingSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * {@link Tracer} over the OpenTelemetry SDK: spans are batched and exported over OTLP/HTTP, the
 * current span lives in OpenTelemetry's {@link Context} (a thread local), and trace context travels
 * in W3C {@code traceparent}/{@code tracestate} headers, in from clients and out to model servers.
 * New traces are sampled at {@link TracingSettings#sampleRatio()}; a continued trace follows its
 * caller's decision.
 */
public final class OtelTracer implements Tracer {
  /** How long {@link #close} waits for the last spans to be exported. */
  private static final long FLUSH_SECONDS = 5;

  private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

  private final SdkTracerProvider provider;
  private final io.opentelemetry.api.trace.Tracer tracer;

  private OtelTracer(SdkTracerProvider provider) {
    this.provider = provider;
    this.tracer = provider.get("io.nyx");
  }

  /**
   * The tracer {@code settings} ask for: {@link Tracer#OFF} without an endpoint (no SDK is built),
   * else one exporting in batches to the endpoint.
   */
  public static Tracer of(TracingSettings settings) {
    if (!settings.enabled()) {
      return Tracer.OFF;
    }
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(settings.tracesUrl()).build();
    return create(settings, BatchSpanProcessor.builder(exporter).build());
  }

  /** A tracer handing its spans to {@code processor} (tests pass an in-memory exporter's). */
  public static OtelTracer create(TracingSettings settings, SpanProcessor processor) {
    Resource service =
        Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), settings.serviceName()));
    return new OtelTracer(
        SdkTracerProvider.builder()
            .setResource(Resource.getDefault().merge(service))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
            .addSpanProcessor(processor)
            .build());
  }

  @Override
  public Span request(String name, @Nullable String traceparent, @Nullable String tracestate) {
    Context parent =
        traceparent == null
            ? Context.root()
            : W3C.extract(Context.root(), new Incoming(traceparent, tracestate), Incoming.GETTER);
    return start(name, SpanKind.SERVER, parent);
  }

  @Override
  public Span span(String name) {
    return start(name, SpanKind.INTERNAL, Context.current());
  }

  @Override
  public Span client(String name) {
    return start(name, SpanKind.CLIENT, Context.current());
  }

  /** The scope is handed to the span, which closes it when the caller closes the span. */
  @SuppressWarnings("MustBeClosedChecker")
  private Span start(String name, SpanKind kind, Context parent) {
    io.opentelemetry.api.trace.Span span =
        tracer.spanBuilder(name).setParent(parent).setSpanKind(kind).startSpan();
    return new OtelSpan(span, parent.with(span).makeCurrent());
  }

  @Override
  public void inject(BiConsumer<String, String> header) {
    W3C.inject(
        Context.current(),
        header,
        (carrier, key, value) -> {
          if (carrier != null) {
            carrier.accept(key, value);
          }
        });
  }

  @Override
  public void close() {
    provider.shutdown().join(FLUSH_SECONDS, TimeUnit.SECONDS);
  }

  /** A request's trace context headers, as a carrier for the propagator. */
  private record Incoming(String traceparent, @Nullable String tracestate) {
    static final TextMapGetter<Incoming> GETTER =
        new TextMapGetter<>() {
          @Override
          public Iterable<String> keys(Incoming carrier) {
            return List.of("traceparent", "tracestate");
          }

          @Override
          public @Nullable String get(@Nullable Incoming carrier, String key) {
            if (carrier == null) {
              return null;
            }
            return switch (key) {
              case "traceparent" -> carrier.traceparent();
              case "tracestate" -> carrier.tracestate();
              default -> null;
            };
          }
        };
  }
}
