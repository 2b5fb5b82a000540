package io.nyx.api;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.nyx.config.ServerConfig;
import io.nyx.context.MemoryBank;
import io.nyx.export.TrainingExport;
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
    ReviewApi review = new ReviewApi(p.reviews());
    PredictionsApi predictions = new PredictionsApi(p.predictions());
    MemoryApi memory = new MemoryApi(p.memory(), config.maxQueryChars());
    ExportApi export = new ExportApi(p.export(), p.clock());
    HttpRouting.Builder routing =
        HttpRouting.builder()
            .addFilter(new CloseAfterResponse())
            .addFilter(new CrossSiteGuard(AllowedHosts.of(config)))
            .addFilter(new AuthFilter(p.guard()))
            .post("/infer", http.wrap("/infer", infer::infer))
            .post("/v1/route", http.wrap("/v1/route", infer::route))
            .post("/v1/chat/completions", http.wrap("/v1/chat/completions", chat::complete))
            .get("/v1/models", http.wrap("/v1/models", chat::models))
            .post("/feedback", http.wrap("/feedback", feedback::feedback))
            .get("/routing/exemplars", http.wrap("/routing/exemplars", exemplars::list))
            .delete(
                "/routing/exemplars/{id}", http.wrap("/routing/exemplars/{id}", exemplars::delete))
            .get("/traits", http.wrap("/traits", traits::list))
            .put("/traits/{name}", http.wrap("/traits/{name}", traits::set))
            .get("/review", http.wrap("/review", review::pending))
            .post("/review/{id}", http.wrap("/review/{id}", review::decide))
            .post(
                "/predictions/{id}/outcome",
                http.wrap("/predictions/{id}/outcome", predictions::outcome))
            .post("/memory", http.wrap("/memory", memory::add))
            .get("/memory/search", http.wrap("/memory/search", memory::search))
            .delete("/memory/{id}", http.wrap("/memory/{id}", memory::delete))
            .delete("/memory", http.wrap("/memory", memory::deleteWhere))
            .get("/traits/{name}", http.wrap("/traits/{name}", traits::show))
            .get("/export/{kind}", http.wrap("/export/{kind}", export::export))
            .get("/health", http.wrap("/health", ops::health))
            .get("/ready", http.wrap("/ready", ops::ready))
            .get("/metrics", http.wrap("/metrics", ops::metrics))
            .any(http.wrap("unmatched", OpsApi::unmatched));
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
