package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.otel.OtelTracer;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import io.nyx.testing.Waits;
import io.nyx.tracing.TracingSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One request's trace, end to end, with the SDK's in-memory exporter in place of OTLP: the span
 * tree (a server span for the request; admission, routing with the master's question, the context
 * source, the model call, scoring and the row's insert beneath it) with its key attributes, the
 * {@code traceparent} each model call carried to the fake vLLM (the span of that very call, so
 * vLLM's own spans join the trace), and a client's {@code traceparent} continued.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingTest {
  static final String QUERY = "{\"query\":\"what time is it in Tokyo?\"}";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private FakeVllm vllm;
  private Nyx nyx;
  private HttpTestClient http;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException {
    vllm = FakeVllm.start(FakeVllm.DEFAULT_BASE_MODEL, NyxFixture.ADAPTERS);
    // The master model is asked on every request and picks kairos (context: time).
    vllm.replyStructured(req -> "{\"specialist\":\"kairos\",\"confidence\":0.9}");
    Path yaml = Files.writeString(dir.resolve("nyx.yaml"), "routing:\n  mode: master\n");
    OtelTracer tracer =
        OtelTracer.create(
            new TracingSettings("http://127.0.0.1:4318", "nyx-test", 1.0),
            SimpleSpanProcessor.create(exporter));
    nyx = Nyx.start(NyxFixture.config(vllm.baseUrl(), dir, yaml), TestDatabase.fresh(), tracer);
    http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
  }

  @AfterAll
  void stop() {
    if (nyx != null) {
      nyx.close();
    }
    if (vllm != null) {
      vllm.close();
    }
  }

  @Test
  void oneRequestIsOneTraceWithASpanPerStep() {
    Reply r = http.post("/infer", QUERY);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String queryId = r.header("X-Nyx-Query-Id");
    SpanData root = rootOf(queryId);
    List<SpanData> trace = trace(root.getTraceId());

    assertThat(root.getName()).isEqualTo("POST /infer");
    assertThat(root.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(attr(root, "http.route")).isEqualTo("/infer");
    assertThat(root.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
        .isEqualTo(200L);

    assertThat(children(trace, root))
        .extracting(SpanData::getName)
        .containsExactly(
            "nyx.admission", "nyx.route", "nyx.context", "nyx.generate", "nyx.score", "nyx.record");
    assertThat(attr(named(trace, "nyx.admission"), "nyx.tenant")).isEqualTo("local");

    SpanData route = named(trace, "nyx.route");
    assertThat(attr(route, "nyx.query_id")).isEqualTo(queryId);
    assertThat(attr(route, "nyx.route.method")).isEqualTo("master");
    assertThat(attr(route, "nyx.specialist")).isEqualTo("kairos");
    SpanData master = only(children(trace, route));
    assertThat(master.getName()).isEqualTo("nyx.route.master");
    assertThat(attr(master, "nyx.master.choice")).isEqualTo("kairos");
    SpanData masterCall = only(children(trace, master));
    assertThat(masterCall.getName()).isEqualTo("chat base");
    assertThat(masterCall.getKind()).isEqualTo(SpanKind.CLIENT);

    SpanData source = only(children(trace, named(trace, "nyx.context")));
    assertThat(source.getName()).isEqualTo("nyx.context.time");

    SpanData generate = named(trace, "nyx.generate");
    assertThat(attr(generate, "nyx.adapter")).isEqualTo("kairos");
    assertThat(attr(generate, "nyx.status")).isEqualTo("ok");
    SpanData call = only(children(trace, generate));
    assertThat(call.getName()).isEqualTo("chat kairos");
    assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(attr(call, "gen_ai.request.model")).isEqualTo("kairos");
    assertThat(call.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")))
        .isPositive();

    SpanData insert = only(children(trace, named(trace, "nyx.record")));
    assertThat(insert.getName()).isEqualTo("INSERT nyx_synthetic_specialist_queries");
    assertThat(attr(insert, "nyx.status")).isEqualTo("ok");
    assertThat(attr(insert, "db.system.name")).isEqualTo("postgresql");

    // Each model call named its own span as the parent of whatever vLLM records for it.
    assertThat(traceparents(root.getTraceId()))
        .containsExactlyInAnyOrder(traceparent(masterCall), traceparent(call));
  }

  @Test
  void aClientsTraceparentIsContinued() {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parent = "00f067aa0ba902b7";
    Reply r =
        http.post(
            "/infer",
            QUERY,
            Map.of("traceparent", "00-" + traceId + "-" + parent + "-01", "tracestate", "k=v"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);

    SpanData root = rootOf(r.header("X-Nyx-Query-Id"));
    assertThat(root.getTraceId()).isEqualTo(traceId);
    assertThat(root.getParentSpanId()).isEqualTo(parent);
    assertThat(root.getParentSpanContext().isRemote()).isTrue();
    assertThat(traceparents(traceId)).hasSize(2);
    assertThat(headersOf(traceId))
        .allSatisfy(h -> assertThat(h).containsEntry("tracestate", "k=v"));
  }

  @Test
  void probesAndScrapesAreNotTraced() {
    assertThat(http.get("/health").status()).isEqualTo(200);
    assertThat(http.get("/metrics").status()).isEqualTo(200);
    assertThat(exporter.getFinishedSpanItems())
        .noneMatch(s -> "/metrics".equals(attr(s, "url.path")))
        .noneMatch(s -> "/health".equals(attr(s, "url.path")));
  }

  /** The request's server span, once it has ended (after the response was sent). */
  private SpanData rootOf(String queryId) {
    return Waits.await("the server span of query " + queryId)
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getKind() == SpanKind.SERVER)
                    .filter(s -> queryId.equals(attr(s, "nyx.query_id")))
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  private List<SpanData> trace(String traceId) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getTraceId().equals(traceId))
        .toList();
  }

  /** Children of {@code parent}, in the order they started. */
  private static List<SpanData> children(List<SpanData> trace, SpanData parent) {
    return trace.stream()
        .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
        .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos))
        .toList();
  }

  private static SpanData named(List<SpanData> trace, String name) {
    return only(trace.stream().filter(s -> s.getName().equals(name)).toList());
  }

  private static SpanData only(List<SpanData> spans) {
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  private static String attr(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.stringKey(key));
  }

  private static String traceparent(SpanData s) {
    return "00-"
        + s.getTraceId()
        + "-"
        + s.getSpanId()
        + "-"
        + s.getSpanContext().getTraceFlags().asHex();
  }

  /** Headers of the chat requests the fake vLLM received within trace {@code traceId}. */
  private List<Map<String, String>> headersOf(String traceId) {
    return vllm.requestHeaders().stream()
        .filter(h -> h.getOrDefault("traceparent", "").contains(traceId))
        .toList();
  }

  private List<String> traceparents(String traceId) {
    return headersOf(traceId).stream().map(h -> h.get("traceparent")).toList();
  }
}
