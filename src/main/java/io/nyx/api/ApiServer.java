package io.nyx.api;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.nyx.adapter.AdapterLifecycle;
import io.nyx.config.ServerConfig;
import io.nyx.context.MemoryBank;
import io.nyx.export.TrainingExport;
import io.nyx.history.History;
import io.nyx.history.QueryHistory;
import io.nyx.learning.ClusterStore;
import io.nyx.learning.TraitWeightStore;
import io.nyx.learning.TraitWeights;
import io.nyx.metrics.NyxMetrics;
import io.nyx.persistence.durable.DurableFeedback;
import io.nyx.pipeline.InferencePipeline;
import io.nyx.pipeline.PredictionService;
import io.nyx.pipeline.ReviewService;
import io.nyx.pipeline.RouteLessons;
import io.nyx.routing.Router;
import io.nyx.security.Guard;
import io.nyx.specialist.Specialists;
import io.nyx.tracing.Tracer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/** Nyx's HTTP API on Helidon SE (virtual thread per request). Routes are declared here only. */
public final class ApiServer implements AutoCloseable {
  /** What the endpoints work with, wired in {@code app}. */
  public record Parts(
      InferencePipeline pipeline,
      DurableFeedback feedback,
      Router router,
      Specialists specialists,
      TraitWeightStore traits,
      ClusterStore clusters,
      TraitWeights weights,
      Readiness readiness,
      Guard guard,
      NyxMetrics metrics,
      InstantSource clock,
      ReviewService reviews,
      PredictionService predictions,
      MemoryBank memory,
      TrainingExport export,
      AdapterLifecycle adapters,
      QueryHistory queries,
      History history,
      Tracer tracer,
      RouteLessons lessons) {}

  private final WebServer server;
  private final ConnectionDeadlines deadlines;

  public ApiServer(ServerConfig config, Parts p) {
    Http http = new Http(p.metrics(), System::nanoTime);
    InferApi infer = new InferApi(p.pipeline(), p.router(), p.weights(), config.maxQueryChars());
    ChatApi chat = new ChatApi(p.pipeline(), p.specialists(), p.clock(), config.maxQueryChars());
    FeedbackApi feedback = new FeedbackApi(p.feedback(), p.lessons());
    ExemplarsApi exemplars = new ExemplarsApi(p.lessons());
    TraitsApi traits = new TraitsApi(p.traits(), p.clusters(), p.weights());
    OpsApi ops = new OpsApi(p.readiness(), p.metrics());
    ReviewApi review = new ReviewApi(p.reviews(), p.queries());
    HistoryApi history = new HistoryApi(p.history(), p.clock());
    PredictionsApi predictions = new PredictionsApi(p.predictions());
    MemoryApi memory = new MemoryApi(p.memory(), config.maxQueryChars());
    ExportApi export = new ExportApi(p.export(), p.clock());
    AdaptersApi adapters = new AdaptersApi(p.adapters());
    ConsoleApi console = new ConsoleApi();
    HttpRouting.Builder routing =
        HttpRouting.builder()
            .addFilter(new CloseAfterResponse())
            .addFilter(new CrossSiteGuard(AllowedHosts.of(config)));
    if (p.tracer().enabled()) {
      routing.addFilter(new TracingFilter(p.tracer()));
    }
    routing.addFilter(new AuthFilter(p.guard(), p.metrics(), p.tracer()));
    Unmatched.Routes routes = new Unmatched.Routes(routing, http);
    routes
        .post("/infer", infer::infer)
        .post("/v1/route", infer::route)
        .post("/v1/chat/completions", chat::complete)
        .get("/v1/models", chat::models)
        .get("/v1/models/{+id}", chat::model)
        .post("/feedback", feedback::feedback)
        .get("/routing/exemplars", exemplars::list)
        .delete("/routing/exemplars/{id}", exemplars::delete)
        .get("/traits", traits::list)
        .get("/traits/{name}", traits::show)
        .put("/traits/{name}", traits::set)
        .get("/review", review::pending)
        .post("/review/{id}", review::decide)
        .get("/queries", history::queries)
        .get("/queries/{id}", history::query)
        .get("/predictions", history::predictions)
        .post("/predictions/{id}/outcome", predictions::outcome)
        .post("/memory", memory::add)
        .get("/memory/search", memory::search)
        .delete("/memory/{id}", memory::delete)
        .delete("/memory", memory::deleteWhere)
        .get("/export/{kind}", export::export)
        .get("/adapters", adapters::list)
        .post("/adapters", adapters::register)
        .post("/adapters/{name}/canary", adapters::canary)
        .post("/adapters/{name}/promote", adapters::promote)
        .post("/adapters/{name}/rollback", adapters::rollback)
        .post("/adapters/{name}/retire", adapters::retire)
        .get("/health", ops::health)
        .get("/ready", ops::ready)
        .get("/metrics", ops::metrics)
        .get("/", console::index)
        .get("/console/{+file}", console::file);
    routing.any(http.wrap("unmatched", routes.unmatched()::answer));
    this.deadlines =
        new ConnectionDeadlines(config.headerTimeoutMs(), config.bodyTimeoutMs(), System::nanoTime);
    Http1Config http1 = Http1Config.builder().addReceiveListener(deadlines.listener()).build();
    this.server =
        WebServer.builder()
            .host(config.host())
            .port(config.port())
            .maxPayloadSize(config.maxBodyBytes())
            // HTTP/1 only, through the watching selector (see ConnectionDeadlines); an idle
            // keep-alive connection is closed after server.header_timeout_ms by it as well.
            .protocolsDiscoverServices(false)
            .connectionSelectors(
                List.of(deadlines.wrap(Http1ConnectionSelector.builder().config(http1).build())))
            .idleConnectionTimeout(Duration.ofMinutes(5))
            // Streamed tokens go out as they come: with Nagle's algorithm a small SSE event waits
            // for the ACK of the previous one, which a client's delayed ACK holds up to 40 ms.
            .connectionOptions(o -> o.tcpNoDelay(true))
            .shutdownHook(false)
            .directHandlers(
                d -> {
                  TransportErrors errors = new TransportErrors(config.maxBodyBytes(), p.metrics());
                  for (var event : io.helidon.http.DirectHandler.EventType.values()) {
                    d.addHandler(event, errors);
                  }
                })
            .routing(routing)
            .build();
  }

  public ApiServer start() {
    server.start();
    return this;
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.stop();
    deadlines.close();
  }
}
