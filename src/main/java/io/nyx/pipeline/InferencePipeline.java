package io.nyx.pipeline;

import io.nyx.backend.BackendException;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatResult;
import io.nyx.config.ContextStrategy;
import io.nyx.config.Decoding;
import io.nyx.config.SpecialistConfig;
import io.nyx.config.TraitConfig;
import io.nyx.context.ContextBuilder;
import io.nyx.context.ContextItem;
import io.nyx.context.ContextRequest;
import io.nyx.context.PromptAssembler;
import io.nyx.learning.AnswerSignals;
import io.nyx.learning.Confidence;
import io.nyx.learning.Reward;
import io.nyx.learning.RewardFunction;
import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitLearner;
import io.nyx.learning.TraitWeights;
import io.nyx.metrics.NyxMetrics;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.Router;
import io.nyx.specialist.Specialists;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One request end to end (DESIGN.md): route, build context, generate, score, reward, learn,
 * persist. Each step is a short method; the failure of any step after routing is still recorded.
 * Thread-safe: all state lives in the collaborators.
 */
public final class InferencePipeline {
  static final String BASE_PROMPT = "You are Nyx, a helpful, honest assistant.";

  /** Everything the pipeline works with, wired once in {@code app}. */
  public record Parts(
      Router router,
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
      Supplier<UUID> ids) {}

  private final Parts p;
  private final PromptAssembler assembler = new PromptAssembler();
  private final RewardFunction rewards = new RewardFunction();
  private final Generation generation;
  private final Records records = new Records();

  public InferencePipeline(Parts parts) {
    this.p = parts;
    this.generation = new Generation(parts.metrics(), parts.nanoClock());
  }

  public InferenceResult infer(InferenceRequest req, InferenceListener listener) {
    long start = p.nanoClock().getAsLong();
    UUID id = p.ids().get();
    Instant now = p.clock().instant();
    RouteDecision route = route(req);
    Plan plan = plan(route, req);
    p.metrics().routed(route.method(), plan.label());
    listener.routed(id, route, plan.specialist());
    List<ContextItem> context = context(plan, req, now);
    List<ChatMessage> messages =
        assembler.assemble(plan.systemPrompt(), req.callerSystem(), context, req.conversation());
    Records.Draft draft = new Records.Draft(id, now, req, route, plan, messages, context);
    Answer answer = generate(draft, listener, start);
    return finish(draft, answer, start);
  }

  private RouteDecision route(InferenceRequest req) {
    String forced = req.specialist();
    if (forced != null) {
      if (p.specialists().find(forced).isEmpty()) {
        throw new NyxException.BadRequest(
            "specialist", "unknown specialist '" + forced + "'; known: " + p.specialists().names());
      }
      return new RouteDecision.Forced(forced);
    }
    return p.router().route(req.query(), p.weights().current());
  }

  private Plan plan(RouteDecision route, InferenceRequest req) {
    // Exploration (a no-op unless traits.explore > 0) may pick another plausible specialist.
    Optional<String> name =
        req.specialist() != null
            ? route.specialist()
            : p.weights().explore(route.scores(), route.specialist());
    if (name.isEmpty()) {
      return basePlan(req);
    }
    SpecialistConfig s = p.specialists().find(name.get()).orElseThrow();
    return new Plan(
        s.name(),
        s.adapter(),
        p.specialists().backendFor(s.name()),
        s.promptTemplate(),
        override(s.decoding(), req));
  }

  private Plan basePlan(InferenceRequest req) {
    return new Plan(
        null, p.baseModel(), p.specialists().base(), BASE_PROMPT, override(Decoding.DEFAULT, req));
  }

  private static Decoding override(Decoding d, InferenceRequest req) {
    return new Decoding(
        req.temperature().orElse(d.temperature()),
        req.topP().orElse(d.topP()),
        req.maxTokens().orElse(d.maxTokens()));
  }

  private List<ContextItem> context(Plan plan, InferenceRequest req, Instant now) {
    if (plan.specialist() == null) {
      return List.of();
    }
    ContextStrategy strategy = p.specialists().find(plan.specialist()).orElseThrow().context();
    ContextBuilder builder = p.contexts().getOrDefault(strategy, ContextBuilder.NONE);
    try {
      return builder.build(new ContextRequest(req.query(), null, req.sessionId(), now, p.zone()));
    } catch (RuntimeException e) {
      // Context is an aid: answer without it rather than fail; the row records the empty context.
      return List.of();
    }
  }

  /** What answered: the planned adapter, or the base model when the adapter is not loaded. */
  record Answer(Generation.Timed timed, Plan used, String fallback) {}

  private Answer generate(Records.Draft d, InferenceListener listener, long start) {
    try {
      try {
        return new Answer(call(d, d.plan(), listener), d.plan(), "");
      } catch (BackendException.ModelNotFound missing) {
        if (d.plan().specialist() == null) {
          throw missing;
        }
        Plan base = basePlan(d.req());
        String why = "adapter '" + missing.model() + "' is not loaded; the base model answered";
        return new Answer(call(d, base, listener), base, why);
      }
    } catch (BackendException e) {
      recordFailure(d, e, start);
      throw Failures.map(e, d.id());
    }
  }

  private Generation.Timed call(Records.Draft d, Plan plan, InferenceListener listener)
      throws BackendException {
    return generation.call(plan, d.messages(), d.id(), listener, d.req().stream());
  }

  private void recordFailure(Records.Draft d, BackendException e, long start) {
    String status =
        e instanceof BackendException.Unreachable || e instanceof BackendException.Timeout
            ? "backend_unavailable"
            : "backend_error";
    try {
      p.log().append(records.failed(d, status, e.getMessage(), millisSince(start)));
    } catch (RuntimeException storeDown) {
      e.addSuppressed(storeDown);
    }
  }

  private InferenceResult finish(Records.Draft d, Answer answer, long start) {
    ChatResult r = answer.timed().result();
    OptionalDouble confidence = Confidence.fromLogprobs(r.logprobs());
    Reward reward = rewards.score(new AnswerSignals(confidence, r.finishReason(), false));
    if (answer.fallback().isEmpty()) {
      learn(d.plan(), reward);
    }
    long latency = millisSince(start);
    double conf = confidence.orElse(0.5);
    persist(records.answered(d, answer, conf, reward, latency));
    p.metrics().reward(d.plan().label(), reward.value());
    return new InferenceResult(
        d.id(),
        d.route(),
        d.plan().specialist(),
        answer.used().model(),
        r.content(),
        r.finishReason(),
        conf,
        reward,
        r.usage(),
        latency,
        d.context(),
        answer.fallback());
  }

  private void learn(Plan plan, Reward reward) {
    double evidence = p.traitConfig().rewardEvidence();
    if (plan.specialist() != null && evidence != 0) {
      p.learner()
          .add(plan.specialist(), TraitEvidence.ofReward(reward.value(), evidence), "reward");
    }
  }

  private void persist(QueryRecord record) {
    try {
      p.log().append(record);
    } catch (RuntimeException e) {
      throw new NyxException.Unavailable(
          "database unavailable, the answer was not recorded: " + e.getMessage(), record.id(), e);
    }
  }

  private long millisSince(long start) {
    return (p.nanoClock().getAsLong() - start) / 1_000_000;
  }
}
