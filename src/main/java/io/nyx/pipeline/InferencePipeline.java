package io.nyx.pipeline;

import io.nyx.adapter.AdapterRouting;
import io.nyx.context.ContextBuilder;
import io.nyx.learning.Rewards;
import io.nyx.learning.TraitConfig;
import io.nyx.learning.TraitLearner;
import io.nyx.learning.TraitWeights;
import io.nyx.metrics.NyxMetrics;
import io.nyx.routing.QueryClusters;
import io.nyx.routing.Router;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.Specialists;
import io.nyx.tracing.Span;
import io.nyx.tracing.Tracer;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One request end to end, as five stages: {@link RouteStage} decides who answers, {@link
 * ContextStage} builds what it is told, {@link GenerateStage} gets the answer (or the base model's
 * in its place), {@link ScoreStage} scores and rewards it, {@link RecordStage} learns from it,
 * records it and queues its follow-ups. A request that fails after routing is still recorded. Each
 * stage is a span of the request's trace ({@link Tracer}; {@link StageSpans}). Thread-safe: all
 * state lives in the collaborators.
 */
public final class InferencePipeline {
  /** Everything the pipeline works with, wired once in {@code app}. */
  public record Parts(
      Router router,
      QueryClusters clusters,
      Specialists specialists,
      Map<ContextStrategy, ContextBuilder> contexts,
      TraitLearner learner,
      TraitWeights weights,
      TraitConfig traitConfig,
      QueryLog log,
      NyxMetrics metrics,
      String baseModel,
      ZoneId zone,
      InstantSource clock,
      LongSupplier nanoClock,
      Supplier<UUID> ids,
      Powers powers,
      Resilience resilience,
      Rewards rewards,
      AdapterRouting adapters,
      Tracer tracer) {}

  private final Parts p;
  private final RouteStage route;
  private final ContextStage context;
  private final GenerateStage generate;
  private final ScoreStage score;
  private final RecordStage record;

  public InferencePipeline(Parts p) {
    this.p = p;
    Plans plans = new Plans(p.specialists(), p.baseModel(), p.adapters());
    Screen screen = new Screen(p.powers().screen());
    this.route =
        new RouteStage(
            p.router(), p.clusters(), p.specialists(), p.weights(), p.traitConfig(), screen, plans);
    this.context = new ContextStage(p.contexts(), plans, p.powers().maxPromptTokens(), p.metrics());
    Generation generation = new Generation(p.metrics(), p.nanoClock(), p.resilience());
    this.generate = new GenerateStage(generation, plans, p.metrics());
    this.score = new ScoreStage(screen, p.contexts(), plans, p.rewards());
    this.record =
        new RecordStage(p.log(), p.learner(), p.traitConfig(), p.powers(), plans, p.metrics());
  }

  /**
   * Answers {@code req}, telling {@code listener} the route before the model is called and every
   * streamed delta after.
   *
   * @throws NyxException when the request is refused or no answer could be had (the failure is
   *     recorded with the query id it carries)
   */
  public InferenceResult infer(InferenceRequest req, InferenceListener listener) {
    long start = p.nanoClock().getAsLong();
    UUID id = p.ids().get();
    Instant now = p.clock().instant();
    ZoneId zone = req.timeZone() == null ? p.zone() : req.timeZone();
    Decision decision;
    try (Span s = p.tracer().span("nyx.route")) {
      decision = StageSpans.routed(s, id, route.decide(req, now, zone));
    }
    p.metrics().routed(decision.method().label(), decision.plan().label());
    Generation.Admission queue = generate.admit(decision.plan(), req);
    if (queue.refused() == null) {
      // Known now when the base model will answer instead: a stream's headers say so.
      String answerer = queue.fallback().isEmpty() ? decision.plan().specialist() : null;
      listener.routed(id, decision.route(), answerer);
    }
    Prompt prompt;
    try (Span s = p.tracer().span("nyx.context")) {
      prompt = StageSpans.built(s, context.build(decision, req, now, zone));
    }
    Draft draft = new Draft(id, now, req, decision, prompt);
    GenerateStage.Outcome outcome;
    try (Span s = p.tracer().span("nyx.generate")) {
      outcome =
          queue.refused() != null
              ? generate.refused(draft, queue.refused())
              : generate.answer(draft, queue, listener);
      StageSpans.generated(s, decision.plan(), outcome);
    }
    return switch (outcome) {
      case GenerateStage.Outcome.Failed f -> {
        try (Span s = p.tracer().span("nyx.record")) {
          record.failed(draft, f, millisSince(start));
        }
        throw f.error();
      }
      case GenerateStage.Outcome.Answered a -> finish(draft, a.answer(), start);
    };
  }

  private InferenceResult finish(Draft d, GenerateStage.Answer answer, long start) {
    var r = answer.timed().result();
    long latency = millisSince(start);
    Scored scored;
    try (Span s = p.tracer().span("nyx.score")) {
      scored = StageSpans.scored(s, score.score(d, r, latency));
    }
    OptionalLong predictionId;
    try (Span s = p.tracer().span("nyx.record")) {
      predictionId = record.answered(d, answer, scored);
    }
    return new InferenceResult(
        d.id(),
        d.route(),
        d.plan().specialist(),
        answer.used().model(),
        answer.used().adapterVersion(),
        r.content(),
        r.finishReason(),
        scored.confidence(),
        scored.reward(),
        r.usage(),
        latency,
        d.context(),
        answer.fallback(),
        scored.checks(),
        d.prompt().incomplete(),
        r.toolCalls(),
        r.logprobs(),
        predictionId);
  }

  private long millisSince(long start) {
    return (p.nanoClock().getAsLong() - start) / 1_000_000;
  }
}
