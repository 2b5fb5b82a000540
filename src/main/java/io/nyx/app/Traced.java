package io.nyx.app;

import io.nyx.backend.BackendException;
import io.nyx.backend.ChatBackend;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.ChatResult;
import io.nyx.backend.ModelInfo;
import io.nyx.backend.StreamDelta;
import io.nyx.context.AnswerCheck;
import io.nyx.context.ContextBuilder;
import io.nyx.context.ContextItem;
import io.nyx.context.ContextRequest;
import io.nyx.pipeline.QueryLog;
import io.nyx.pipeline.QueryRecord;
import io.nyx.routing.Master;
import io.nyx.routing.MasterVerdict;
import io.nyx.specialist.ContextStrategy;
import io.nyx.tracing.Span;
import io.nyx.tracing.Tracer;
import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The spans of the parts the pipeline calls, as decorators wired around them: each model call (a
 * client span, current while the call's {@code traceparent} is written), the routing master's
 * question, each context source, and the write of the request's row. With tracing off each method
 * returns its argument unchanged, so nothing is in the way.
 */
final class Traced {
  /** The request log's table, named by its row's span. */
  static final String QUERY_TABLE = "nyx_synthetic_specialist_queries";

  private Traced() {}

  /** Every call of {@code backend} as a client span {@code chat MODEL}. */
  static ChatBackend backend(ChatBackend backend, Tracer tracer) {
    return tracer.enabled() ? new TracedBackend(backend, tracer) : backend;
  }

  /** The master's question as span {@code nyx.route.master}, its model call beneath. */
  static Master master(Master master, Tracer tracer) {
    if (!tracer.enabled()) {
      return master;
    }
    return (query, candidates) -> {
      try (Span s = tracer.span("nyx.route.master")) {
        MasterVerdict v = master.ask(query, candidates);
        s.attribute("nyx.master.outcome", v.outcome()).attribute("nyx.master.choice", v.choice());
        if (!v.detail().isEmpty() && !v.answered()) {
          s.failed(v.detail());
        }
        return v;
      }
    };
  }

  /** Each context source as span {@code nyx.context.SOURCE}, its answer check kept. */
  static Map<ContextStrategy, ContextBuilder> contexts(
      Map<ContextStrategy, ContextBuilder> builders, Tracer tracer) {
    if (!tracer.enabled()) {
      return builders;
    }
    Map<ContextStrategy, ContextBuilder> out = new EnumMap<>(ContextStrategy.class);
    builders.forEach(
        (strategy, builder) -> {
          String name = "nyx.context." + strategy.name().toLowerCase(Locale.ROOT);
          out.put(
              strategy,
              builder instanceof AnswerCheck check
                  ? new CheckingContext(builder, check, name, tracer)
                  : new TracedContext(builder, name, tracer));
        });
    return out;
  }

  /** Each append as client span {@code INSERT nyx_synthetic_specialist_queries}. */
  static QueryLog log(QueryLog log, Tracer tracer) {
    if (!tracer.enabled()) {
      return log;
    }
    return new QueryLog() {
      @Override
      public void append(QueryRecord row) {
        try (Span s = tracer.client("INSERT " + QUERY_TABLE)) {
          s.attribute("db.system.name", "postgresql")
              .attribute("db.operation.name", "INSERT")
              .attribute("db.collection.name", QUERY_TABLE)
              .attribute("nyx.query_id", row.id().toString())
              .attribute("nyx.status", row.status());
          try {
            log.append(row);
          } catch (RuntimeException e) {
            s.failed(e);
            throw e;
          }
        }
      }

      @Override
      public Optional<QueryRecord> find(UUID id) {
        return log.find(id);
      }

      @Override
      public void appendAll(List<QueryRecord> records) {
        records.forEach(this::append);
      }
    };
  }

  private static final class TracedBackend implements ChatBackend {
    private final ChatBackend backend;
    private final Tracer tracer;
    private final String host;
    private final int port;

    TracedBackend(ChatBackend backend, Tracer tracer) {
      this.backend = backend;
      this.tracer = tracer;
      URI url = URI.create(backend.baseUrl());
      this.host = String.valueOf(url.getHost());
      this.port = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    }

    @Override
    public ChatResult complete(ChatRequest request) throws BackendException {
      try (Span s = start(request, false)) {
        return finished(s, () -> backend.complete(request));
      }
    }

    @Override
    public ChatResult stream(ChatRequest request, Consumer<StreamDelta> sink)
        throws BackendException {
      try (Span s = start(request, true)) {
        return finished(s, () -> backend.stream(request, sink));
      }
    }

    private Span start(ChatRequest request, boolean stream) {
      String model = request.model().isEmpty() ? "base" : request.model();
      return tracer
          .client("chat " + model)
          .attribute("gen_ai.operation.name", "chat")
          .attribute("gen_ai.request.model", model)
          .attribute("server.address", host)
          .attribute("server.port", (long) port)
          .attribute("nyx.stream", stream);
    }

    private interface Call {
      ChatResult run() throws BackendException;
    }

    private static ChatResult finished(Span s, Call call) throws BackendException {
      try {
        ChatResult r = call.run();
        s.attribute("gen_ai.response.model", r.model())
            .attribute("gen_ai.response.finish_reasons", r.finishReason())
            .attribute("gen_ai.usage.input_tokens", (long) r.usage().promptTokens())
            .attribute("gen_ai.usage.output_tokens", (long) r.usage().completionTokens());
        return r;
      } catch (BackendException | RuntimeException e) {
        s.attribute("error.type", e.getClass().getSimpleName()).failed(e);
        throw e;
      }
    }

    @Override
    public List<ModelInfo> models() throws BackendException {
      return backend.models();
    }

    @Override
    public String baseUrl() {
      return backend.baseUrl();
    }
  }

  private static class TracedContext implements ContextBuilder {
    private final ContextBuilder builder;
    private final String name;
    private final Tracer tracer;

    TracedContext(ContextBuilder builder, String name, Tracer tracer) {
      this.builder = builder;
      this.name = name;
      this.tracer = tracer;
    }

    @Override
    public List<ContextItem> build(ContextRequest request) {
      try (Span s = tracer.span(name)) {
        try {
          List<ContextItem> items = builder.build(request);
          s.attribute("nyx.context.items", (long) items.size());
          return items;
        } catch (RuntimeException e) {
          s.failed(e);
          throw e;
        }
      }
    }
  }

  /** A traced source whose answer check the score stage still finds. */
  private static final class CheckingContext extends TracedContext implements AnswerCheck {
    private final AnswerCheck check;

    CheckingContext(ContextBuilder builder, AnswerCheck check, String name, Tracer tracer) {
      super(builder, name, tracer);
      this.check = check;
    }

    @Override
    public Map<String, Object> check(String answer, List<ContextItem> context) {
      return check.check(answer, context);
    }
  }
}
