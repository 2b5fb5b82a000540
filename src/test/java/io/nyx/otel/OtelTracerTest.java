package io.nyx.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.nyx.backend.BackendSettings;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.openai.OpenAiChatBackend;
import io.nyx.settings.SettingException;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.Waits;
import io.nyx.tracing.Span;
import io.nyx.tracing.Tracer;
import io.nyx.tracing.TracingSettings;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The OpenTelemetry adapter on its own: W3C trace context in (a client's header) and out (to the
 * model server), sampling, the OTLP/HTTP export over the JDK's client, and the settings; and that
 * tracing off records, allocates and sends nothing.
 */
class OtelTracerTest {
  static final TracingSettings ON = new TracingSettings("http://127.0.0.1:4318", "nyx", 1.0);

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

  private OtelTracer tracer(TracingSettings settings) {
    return OtelTracer.create(settings, SimpleSpanProcessor.create(exporter));
  }

  @Test
  void spansNestWhileCurrentAndInjectTheCurrentOne() {
    try (OtelTracer tracer = tracer(ON)) {
      Map<String, String> outside = new HashMap<>();
      tracer.inject(outside::put);
      assertThat(outside).as("no span is current").isEmpty();
      try (Span root = tracer.request("POST /infer", null, null);
          Span step = tracer.span("nyx.route")) {
        assertThat(root.recording()).isTrue();
        try (Span call = tracer.client("chat kairos")) {
          Map<String, String> headers = new HashMap<>();
          tracer.inject(headers::put);
          assertThat(headers.get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]");
          assertThat(step).isNotSameAs(call);
        }
      }
      List<SpanData> spans = exporter.getFinishedSpanItems();
      assertThat(spans)
          .extracting(SpanData::getName)
          .containsExactly("chat kairos", "nyx.route", "POST /infer");
      assertThat(spans.get(0).getParentSpanId()).isEqualTo(spans.get(1).getSpanId());
      assertThat(spans.get(1).getParentSpanId()).isEqualTo(spans.get(2).getSpanId());
      assertThat(spans.get(2).getParentSpanContext().isValid()).isFalse();
    }
  }

  @Test
  void aValidTraceparentIsContinuedAndAnInvalidOneStartsANewTrace() {
    try (OtelTracer tracer = tracer(ON)) {
      String traceId = "0af7651916cd43dd8448eb211c80319c";
      try (Span s =
          tracer.request("POST /infer", "00-" + traceId + "-b7ad6b7169203331-01", "a=1")) {
        assertThat(s.recording()).isTrue();
      }
      try (Span s = tracer.request("POST /infer", "not a traceparent", null)) {
        assertThat(s.recording()).isTrue();
      }
      List<SpanData> spans = exporter.getFinishedSpanItems();
      assertThat(spans.get(0).getTraceId()).isEqualTo(traceId);
      assertThat(spans.get(0).getParentSpanId()).isEqualTo("b7ad6b7169203331");
      assertThat(spans.get(0).getSpanContext().getTraceState().get("a")).isEqualTo("1");
      assertThat(spans.get(1).getTraceId()).isNotEqualTo(traceId);
      assertThat(spans.get(1).getParentSpanContext().isValid()).isFalse();
    }
  }

  @Test
  void sampleRatioZeroRecordsNewTracesButFollowsASampledCaller() {
    try (OtelTracer tracer = tracer(new TracingSettings("http://127.0.0.1:4318", "nyx", 0))) {
      try (Span s = tracer.request("POST /infer", null, null)) {
        assertThat(s.recording()).isFalse();
      }
      String sampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
      try (Span s = tracer.request("POST /infer", sampled, null)) {
        assertThat(s.recording()).isTrue();
      }
      assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    }
  }

  @Test
  void modelCallsCarryTheCurrentSpanAndNothingWhenTracingIsOff() throws Exception {
    try (FakeVllm vllm = FakeVllm.start();
        OtelTracer tracer = tracer(ON)) {
      BackendSettings settings = BackendSettings.of(vllm.baseUrl());
      ChatRequest hello =
          new ChatRequest("", List.of(ChatMessage.user("hello")), 0, 1, 8, false, 0, null, null);
      String expected;
      try (Span call = tracer.client("chat base")) {
        new OpenAiChatBackend(settings, tracer).complete(hello);
        Map<String, String> headers = new HashMap<>();
        tracer.inject(headers::put);
        expected = headers.get("traceparent");
      }
      try (Span call = tracer.client("chat base")) {
        // tracing off in the client: the current span is not passed on
        new OpenAiChatBackend(settings, Tracer.OFF).complete(hello);
      }
      List<Map<String, String>> received = vllm.requestHeaders();
      assertThat(received.get(0)).containsEntry("traceparent", expected);
      assertThat(received.get(1)).doesNotContainKey("traceparent");
    }
  }

  @Test
  void tracingOffHandsOutOneNoopSpanAndInjectsNothing() {
    Tracer off = OtelTracer.of(TracingSettings.DEFAULT);
    assertThat(off).isSameAs(Tracer.OFF);
    assertThat(off.enabled()).isFalse();
    assertThat(
            off.request(
                "POST /infer", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null))
        .isSameAs(Span.NOOP);
    assertThat(off.span("nyx.route")).isSameAs(Span.NOOP);
    assertThat(off.client("chat")).isSameAs(Span.NOOP);
    assertThat(Span.NOOP.attribute("k", "v").failed("x").recording()).isFalse();
    Map<String, String> headers = new HashMap<>();
    off.inject(headers::put);
    assertThat(headers).isEmpty();
  }

  @Test
  void spansAreExportedOverOtlpHttp() throws IOException {
    HttpServer collector =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    List<String> posts = new CopyOnWriteArrayList<>();
    collector.createContext(
        "/",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          posts.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI().getPath()
                  + " "
                  + ex.getRequestHeaders().getFirst("Content-Type")
                  + " "
                  + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    collector.start();
    try {
      String url = "http://127.0.0.1:" + collector.getAddress().getPort();
      Tracer tracer = OtelTracer.of(new TracingSettings(url, "nyx-export", 1.0));
      try (Span s = tracer.request("POST /infer", null, null)) {
        s.attribute("nyx.specialist", "kairos");
      }
      tracer.close(); // flushes the batch
      Waits.await("a span posted to the collector")
          .atMost(Duration.ofSeconds(10))
          .until(() -> !posts.isEmpty());
      assertThat(posts.get(0))
          .startsWith("POST /v1/traces application/x-protobuf")
          .contains("POST /infer", "nyx-export", "kairos");
    } finally {
      collector.stop(0);
    }
  }

  @Test
  void settingsAreCheckedAndAnEndpointWithoutAPathGetsTheTracesPath() {
    assertThat(new TracingSettings("http://collector:4318", "nyx", 1).tracesUrl())
        .isEqualTo("http://collector:4318/v1/traces");
    assertThat(new TracingSettings("http://collector:4318/", "nyx", 1).tracesUrl())
        .isEqualTo("http://collector:4318/v1/traces");
    assertThat(new TracingSettings("https://c.example/otlp/v1/traces", "nyx", 1).tracesUrl())
        .isEqualTo("https://c.example/otlp/v1/traces");
    assertThat(TracingSettings.DEFAULT.enabled()).isFalse();
    assertThatThrownBy(() -> new TracingSettings("collector:4318", "nyx", 1))
        .isInstanceOf(SettingException.class)
        .hasMessageContaining("endpoint");
    assertThatThrownBy(() -> new TracingSettings("", " ", 1)).hasMessageContaining("service_name");
    assertThatThrownBy(() -> new TracingSettings("", "nyx", 1.5))
        .hasMessageContaining("sample_ratio");
  }
}
