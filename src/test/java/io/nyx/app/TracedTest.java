package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.backend.ChatBackend;
import io.nyx.backend.openai.OpenAiChatBackend;
import io.nyx.context.AnswerCheck;
import io.nyx.context.ContextBuilder;
import io.nyx.context.ContextItem;
import io.nyx.otel.OtelTracer;
import io.nyx.pipeline.QueryLog;
import io.nyx.routing.Master;
import io.nyx.specialist.ContextStrategy;
import io.nyx.tracing.Tracer;
import io.nyx.tracing.TracingSettings;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decorators that trace the pipeline's parts: absent when tracing is off, faithful when on. */
class TracedTest {
  /** A context source with an answer check, as the facts source is. */
  static final class Checking implements ContextBuilder, AnswerCheck {
    @Override
    public List<ContextItem> build(io.nyx.context.ContextRequest request) {
      return List.of();
    }

    @Override
    public Map<String, Object> check(String answer, List<ContextItem> context) {
      return Map.of("grounding", 1.0);
    }
  }

  @Test
  void tracingOffLeavesEveryPartAsItIs() {
    Map<ContextStrategy, ContextBuilder> contexts = Map.of(ContextStrategy.FACTS, new Checking());
    ChatBackend backend = new OpenAiChatBackend(io.nyx.backend.BackendSettings.of("http://x/v1"));
    QueryLog log = QueryLogs.none();
    assertThat(Traced.contexts(contexts, Tracer.OFF)).isSameAs(contexts);
    assertThat(Traced.backend(backend, Tracer.OFF)).isSameAs(backend);
    assertThat(Traced.master(Master.UNAVAILABLE, Tracer.OFF)).isSameAs(Master.UNAVAILABLE);
    assertThat(Traced.log(log, Tracer.OFF)).isSameAs(log);
  }

  @Test
  void aTracedContextSourceKeepsItsAnswerCheck() {
    try (OtelTracer tracer =
        OtelTracer.create(
            new TracingSettings("http://127.0.0.1:4318", "nyx", 1),
            SimpleSpanProcessor.create(InMemorySpanExporter.create()))) {
      Map<ContextStrategy, ContextBuilder> traced =
          Traced.contexts(
              Map.of(
                  ContextStrategy.FACTS, new Checking(), ContextStrategy.NONE, ContextBuilder.NONE),
              tracer);
      assertThat(traced.get(ContextStrategy.FACTS)).isInstanceOf(AnswerCheck.class);
      assertThat(((AnswerCheck) traced.get(ContextStrategy.FACTS)).check("a", List.of()))
          .containsEntry("grounding", 1.0);
      assertThat(traced.get(ContextStrategy.NONE)).isNotInstanceOf(AnswerCheck.class);
    }
  }

  /** A request log that keeps nothing. */
  static final class QueryLogs {
    static QueryLog none() {
      return new QueryLog() {
        @Override
        public void append(io.nyx.pipeline.QueryRecord record) {}

        @Override
        public java.util.Optional<io.nyx.pipeline.QueryRecord> find(java.util.UUID id) {
          return java.util.Optional.empty();
        }
      };
    }
  }
}
