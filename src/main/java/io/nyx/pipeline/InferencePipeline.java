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
import io.nyx.safety.RiskAssessment;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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
  private final boolean screenAside;
  private final Screen screen;
  private final RouteStage route;
  private final ContextStage context;
  private final GenerateStage generate;
  private final ScoreStage score;
  private final RecordStage record;

  public InferencePipeline(Parts p) {
    this(p, true);
  }

  /**
   * {@code screenAside} false: every question is screened before anything else, as a reference for
   * tests of the named specialist's path.
   */
  InferencePipeline(Parts p, boolean screenAside) {
    this.p = p;
    this.screenAside = screenAside;
    Plans plans = new Plans(p.specialists(), p.baseModel(), p.adapters());
    this.screen = new Screen(p.powers().screen());
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
    if (screenAside && route.screensAside(req)) {
      return screenedAside(req, listener, id, now, zone, start);
    }
    Decision decision;
    try (Span s = p.tracer().span("nyx.route")) {
      decision = StageSpans.routed(s, id, route.decide(req, now, zone));
    }
    return conclude(attempt(decision, req, listener, id, now, zone), start);
  }

  /**
   * A named specialist: the question's screen (an embedding, the one costly step of the decision)
   * runs on a thread of its own while the specialist is called. A stream's client hears nothing
   * before the screen has passed the question ({@link ScreenGate}), so the screen hides behind the
   * model's time to first token. A question it flags is then answered as if screened first: the
   * specialist's answer is dropped unseen and the safety specialist answers, with care guidance, as
   * {@link RouteStage#decide} would have had it.
   */
  private InferenceResult screenedAside(
      InferenceRequest req,
      InferenceListener listener,
      UUID id,
      Instant now,
      ZoneId zone,
      long start) {
    Decision assumed = route.assumingUnflagged(req, now, zone);
    FutureTask<RiskAssessment> screening = new FutureTask<>(() -> screen.assess(req.query()));
    Thread.ofVirtual().name("nyx-screen").start(screening);
    ScreenGate gate = new ScreenGate(listener, () -> route.overrides(await(screening)));
    Attempt attempt = attempt(assumed, req, gate, id, now, zone);
    if (attempt.outcome() instanceof GenerateStage.Outcome.Answered a) {
      // The answer's screen, on this thread while the question's may still run on another core.
      attempt = attempt.withOutput(screen.assess(a.answer().timed().result().content()));
    }
    Decision decision;
    try (Span s = p.tracer().span("nyx.route")) {
      decision = StageSpans.routed(s, id, route.confirm(assumed, req, await(screening), now, zone));
    }
    if (decision.safetyOverride()) {
      attempt = attempt(decision, req, listener, id, now, zone);
    } else {
      gate.open();
      attempt = attempt.decided(decision);
    }
    return conclude(attempt, start);
  }

  private static RiskAssessment await(FutureTask<RiskAssessment> screening) {
    try {
      return screening.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the question was screened", e);
    } catch (ExecutionException e) {
      // Screen.assess returns "not screened" for a failing screen; only an Error gets here.
      throw new IllegalStateException("the question's screen failed", e.getCause());
    }
  }

  /**
   * A request's draft and how its generation ended, not yet scored or recorded; {@code output} the
   * answer's screen when it ran already.
   */
  private record Attempt(
      Draft draft, GenerateStage.Outcome outcome, @Nullable RiskAssessment output) {
    Attempt(Draft draft, GenerateStage.Outcome outcome) {
      this(draft, outcome, null);
    }

    Attempt decided(Decision decision) {
      Draft d = draft;
      return new Attempt(new Draft(d.id(), d.at(), d.req(), decision, d.prompt()), outcome, output);
    }

    Attempt withOutput(RiskAssessment screened) {
      return new Attempt(draft, outcome, screened);
    }
  }

  private Attempt attempt(
      Decision decision,
      InferenceRequest req,
      InferenceListener listener,
      UUID id,
      Instant now,
      ZoneId zone) {
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
    return new Attempt(draft, outcome);
  }

  private InferenceResult conclude(Attempt attempt, long start) {
    Draft draft = attempt.draft();
    p.metrics().routed(draft.decision().method().label(), draft.plan().label());
    return switch (attempt.outcome()) {
      case GenerateStage.Outcome.Failed f -> {
        try (Span s = p.tracer().span("nyx.record")) {
          record.failed(draft, f, millisSince(start));
        }
        throw f.error();
      }
      case GenerateStage.Outcome.Answered a -> finish(draft, a.answer(), start, attempt.output());
    };
  }

  private InferenceResult finish(
      Draft d, GenerateStage.Answer answer, long start, @Nullable RiskAssessment output) {
    var r = answer.timed().result();
    long latency = millisSince(start);
    Scored scored;
    try (Span s = p.tracer().span("nyx.score")) {
      scored =
          StageSpans.scored(
              s, output == null ? score.score(d, r, latency) : score.score(d, r, latency, output));
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
