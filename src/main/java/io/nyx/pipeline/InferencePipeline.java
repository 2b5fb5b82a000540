package io.nyx.pipeline;

import io.nyx.backend.BackendException;
import io.nyx.backend.ChatResult;
import io.nyx.backend.Confidence;
import io.nyx.context.AnswerCheck;
import io.nyx.context.ContextBuilder;
import io.nyx.context.ContextItem;
import io.nyx.context.ContextRequest;
import io.nyx.context.PromptAssembler;
import io.nyx.context.SafetyContext;
import io.nyx.context.time.Kairos;
import io.nyx.context.time.TimeReading;
import io.nyx.foresight.Foresight;
import io.nyx.learning.AnswerSignals;
import io.nyx.learning.Reward;
import io.nyx.learning.Rewards;
import io.nyx.learning.TraitConfig;
import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitLearner;
import io.nyx.learning.TraitStore;
import io.nyx.learning.TraitWeights;
import io.nyx.metrics.NyxMetrics;
import io.nyx.routing.QueryClusters;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.Router;
import io.nyx.safety.RiskAssessment;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.Decoding;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.specialist.Specialists;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One request end to end (DESIGN.md): route, build context, generate, score, reward, learn,
 * persist. Each step is a short method; the failure of any step after routing is still recorded.
 * Thread-safe: all state lives in the collaborators.
 */
public final class InferencePipeline {
  static final String BASE_PROMPT = "You are Nyx, a helpful, honest assistant.";
  private static final System.Logger LOG = System.getLogger(InferencePipeline.class.getName());

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
      Rewards rewards) {}

  private final Parts p;
  private final PromptAssembler assembler = new PromptAssembler();
  private final Generation generation;
  private final Records records = new Records();
  private final Kairos kairos = new Kairos();
  private final Foresight foresight = new Foresight();

  public InferencePipeline(Parts parts) {
    this.p = parts;
    this.generation = new Generation(parts.metrics(), parts.nanoClock(), parts.resilience());
  }

  public InferenceResult infer(InferenceRequest req, InferenceListener listener) {
    long start = p.nanoClock().getAsLong();
    UUID id = p.ids().get();
    Instant now = p.clock().instant();
    ZoneId zone = req.timeZone() == null ? p.zone() : req.timeZone();
    TimeReading time = kairos.read(req.query(), now, zone);
    RiskAssessment risk = screen(req.query());
    int cluster = banditContext(req);
    RouteDecision route = route(req, cluster);
    String eleos = risk.flagged() ? safetySpecialist() : "";
    Plan plan = eleos.isEmpty() ? plan(route, cluster, req) : specialistPlan(eleos, req);
    p.metrics().routed(eleos.isEmpty() ? route.method() : "safety", plan.label());
    // Decided once, before anything is sent: a stream would otherwise have begun with 200.
    Generation.Admission queue = generation.admit(plan, basePlan(req));
    if (queue.refused() == null) {
      // Known now when the base model will answer instead: a stream's headers say so.
      listener.routed(id, route, queue.fallback().isEmpty() ? plan.specialist() : null);
    }
    List<ContextItem> context = withCare(context(plan, req, now, zone), risk);
    PromptAssembler.Assembled prompt =
        assembler.assemble(
            plan.systemPrompt(),
            req.callerSystem(),
            context,
            req.conversation(),
            p.powers().maxPromptTokens() - plan.decoding().maxTokens());
    String overridden = eleos.isEmpty() ? "" : route.method();
    Screening screening = new Screening(time, risk, overridden, prompt.dropped());
    Records.Draft draft =
        new Records.Draft(
            id, now, req, route, cluster, plan, prompt.messages(), prompt.kept(), screening);
    if (queue.refused() != null) {
      throw refuse(draft, queue.refused(), start);
    }
    Answer answer = generate(draft, listener, start, queue.fallback());
    return finish(draft, answer, start);
  }

  /** The risk screen's verdict; a failing screen is recorded as unscreened, never fatal. */
  private RiskAssessment screen(String text) {
    try {
      return p.powers().screen().screen(text);
    } catch (RuntimeException e) {
      return new RiskAssessment(0, "", Map.of(), false, List.of("not screened: " + e.getMessage()));
    }
  }

  /** The specialist that answers risky requests: the first whose context is safety, or "". */
  private String safetySpecialist() {
    return p.specialists().all().stream()
        .filter(s -> s.context() == ContextStrategy.SAFETY)
        .map(SpecialistConfig::name)
        .findFirst()
        .orElse("");
  }

  /** Care guidance joins any flagged request's context, whoever answers it. */
  private static List<ContextItem> withCare(List<ContextItem> items, RiskAssessment risk) {
    if (!risk.flagged() || items.stream().anyMatch(i -> i instanceof ContextItem.GuidanceItem)) {
      return items;
    }
    List<ContextItem> out = new ArrayList<>(items);
    out.add(new ContextItem.GuidanceItem(SafetyContext.GUIDANCE));
    return out;
  }

  /** Forced, or routed with the trait weights for the query's cluster (-1: none). */
  private RouteDecision route(InferenceRequest req, int cluster) {
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

  private Plan plan(RouteDecision route, int cluster, InferenceRequest req) {
    Optional<String> name = answerer(route, cluster, req);
    if (name.isEmpty()) {
      return basePlan(req);
    }
    return specialistPlan(name.get(), req);
  }

  /**
   * The query's bandit context ({@link io.nyx.learning.BanditContext}: its k-means cluster and the
   * specialists that may answer it), or −1 without clusters. Recorded with the row as its cluster.
   */
  private int banditContext(InferenceRequest req) {
    int cluster = p.clusters().of(req.query());
    if (cluster < 0) {
      return -1;
    }
    List<String> admissible = p.router().admissible(req.query(), p.traitConfig().banditMargin());
    return io.nyx.learning.BanditContext.of(cluster, admissible);
  }

  /**
   * Who answers a decision. Forced, pinned and master-decided routes stand. A semantic decision on
   * a query of a cluster goes to the contextual bandit, which picks among the specialists that fit
   * and the base model ({@link io.nyx.learning.ClusterBandit}); without clusters exploration (a
   * no-op unless traits.explore &gt; 0) may pick another plausible specialist.
   */
  private Optional<String> answerer(RouteDecision route, int cluster, InferenceRequest req) {
    boolean semantic = route.method().equals("semantic") || route.method().equals("abstain");
    if (req.specialist() != null || !semantic) {
      return route.specialist();
    }
    // A master that was asked but gave no usable answer leaves a semantic decision: the bandit's.
    if (cluster >= 0 && !route.master().answered()) {
      return p.weights()
          .choose(
              p.traitConfig().bandit(),
              cluster,
              p.router().admissible(req.query(), p.traitConfig().banditMargin()),
              route.specialist());
    }
    return p.weights().explore(route.scores(), route.specialist());
  }

  private Plan specialistPlan(String name, InferenceRequest req) {
    SpecialistConfig s = p.specialists().find(name).orElseThrow();
    String prompt =
        s.context() == ContextStrategy.FORESIGHT
            ? s.promptTemplate().strip() + "\n\n" + Foresight.STRUCTURE
            : s.promptTemplate();
    return new Plan(
        s.name(),
        s.adapter(),
        p.specialists().backendFor(s.name()),
        prompt,
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

  private List<ContextItem> context(Plan plan, InferenceRequest req, Instant now, ZoneId zone) {
    if (plan.specialist() == null) {
      return List.of();
    }
    ContextStrategy strategy = p.specialists().find(plan.specialist()).orElseThrow().context();
    ContextBuilder builder = p.contexts().getOrDefault(strategy, ContextBuilder.NONE);
    try {
      return builder.build(
          new ContextRequest(req.query(), null, req.sessionId(), now, zone, req.caller().tenant()));
    } catch (RuntimeException e) {
      // Context is an aid: answer without it rather than fail; the row records the empty context.
      return List.of();
    }
  }

  /** What answered: the planned adapter, or the base model when the adapter is not loaded. */
  record Answer(Generation.Timed timed, Plan used, String fallback) {}

  /**
   * Calls the plan, or the base model when {@code saturatedFallback} says the plan's server is
   * full; the queues were checked already, so neither is refused for its queue now (the base model
   * of a later fallback, for a missing adapter or an open breaker, still is).
   */
  private Answer generate(
      Records.Draft d, InferenceListener listener, long start, String saturatedFallback) {
    try {
      try {
        if (!saturatedFallback.isEmpty()) {
          return fallback(d, listener, Fallback.SATURATED, saturatedFallback, null);
        }
        return new Answer(call(d, d.plan(), listener, true), d.plan(), "");
      } catch (BackendException.ModelNotFound missing) {
        return fallback(
            d,
            listener,
            Fallback.NOT_LOADED,
            "adapter '" + missing.model() + "' is not loaded",
            missing);
      } catch (Generation.CircuitOpen open) {
        return fallback(d, listener, Fallback.CIRCUIT_OPEN, open.getMessage(), null);
      }
    } catch (BackendException e) {
      recordFailure(d, e, start);
      throw Failures.map(e, d.id());
    } catch (Generation.CircuitOpen open) {
      recordFailure(d, "backend_unavailable", open.getMessage(), start);
      throw new NyxException.Unavailable(
          "model backend " + d.plan().backend().baseUrl() + ": " + open.getMessage(), d.id(), open);
    } catch (Generation.Saturated full) {
      // The base model's server, checked only now for a fallback decided after the first check.
      throw refuse(d, full, start);
    }
  }

  /**
   * The model server's queue is full (and, for a specialist on a server of its own, the base
   * model's too): the row records the refusal and the client is told to come back later.
   */
  private NyxException refuse(Records.Draft d, Generation.Saturated full, long start) {
    recordFailure(d, "backend_saturated", full.getMessage(), start);
    return new NyxException.Unavailable(
        "model backend saturated: " + full.getMessage(), d.id(), full);
  }

  /**
   * The adapter cannot answer (not loaded, its breaker open, or its own server saturated): the base
   * model answers and the adapter is flagged in the response, the row and the metrics.
   */
  private Answer fallback(
      Records.Draft d,
      InferenceListener listener,
      Fallback kind,
      String why,
      @Nullable BackendException cause)
      throws BackendException, Generation.CircuitOpen, Generation.Saturated {
    if (d.plan().specialist() == null) {
      if (cause != null) {
        throw cause;
      }
      throw new Generation.CircuitOpen("base model", 0);
    }
    Plan base = basePlan(d.req());
    p.metrics().fallback(d.plan().label(), kind.label);
    // A saturation fallback's base model was admitted with the plan; the others are checked now.
    boolean admitted = kind == Fallback.SATURATED;
    return new Answer(call(d, base, listener, admitted), base, why + "; the base model answered");
  }

  /** Why the base model answers instead of an adapter; the label of the fallback metric. */
  private enum Fallback {
    NOT_LOADED("not_loaded"),
    CIRCUIT_OPEN("circuit_open"),
    SATURATED("saturated");

    final String label;

    Fallback(String label) {
      this.label = label;
    }
  }

  private Generation.Timed call(
      Records.Draft d, Plan plan, InferenceListener listener, boolean admitted)
      throws BackendException, Generation.CircuitOpen, Generation.Saturated {
    return generation.call(plan, d.messages(), d.id(), listener, d.req().stream(), admitted);
  }

  private void recordFailure(Records.Draft d, BackendException e, long start) {
    String status =
        e instanceof BackendException.Unreachable || e instanceof BackendException.Timeout
            ? "backend_unavailable"
            : "backend_error";
    recordFailure(d, status, e.getMessage(), start);
  }

  private void recordFailure(Records.Draft d, String status, String error, long start) {
    try {
      p.log().append(records.failed(d, status, error, millisSince(start)));
    } catch (RuntimeException storeDown) {
      // Even the spool failed (disk full); the caller's error response still carries the cause.
    }
  }

  private InferenceResult finish(Records.Draft d, Answer answer, long start) {
    ChatResult r = answer.timed().result();
    OptionalDouble confidence = Confidence.fromLogprobs(r.logprobs());
    RiskAssessment output = screen(r.content());
    long latency = millisSince(start);
    long budget = d.screening().time().urgency().budgetMs();
    Map<String, Object> checks = checks(d, r.content());
    Grounded grounded = Grounded.from(checks);
    AnswerSignals signals =
        new AnswerSignals(
            confidence,
            r.finishReason(),
            false,
            latency,
            budget,
            output.flagged(),
            grounded.score(),
            grounded.invented());
    Reward reward = p.rewards().of(d.plan().specialist()).score(signals);
    if (answer.fallback().isEmpty()) {
      learn(d.plan(), d.cluster(), reward);
    }
    double conf = grounded.adjust(confidence.orElse(0.5));
    persist(records.answered(d, answer, conf, reward, signals, checks));
    p.metrics().reward(d.plan().label(), reward.value());
    afterAnswer(d, r.content(), output);
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
        answer.fallback(),
        checks);
  }

  /** The specialist's post-generation checks (Aletheia's grounding); never fails the answer. */
  private Map<String, Object> checks(Records.Draft d, String answer) {
    if (d.plan().specialist() == null) {
      return Map.of();
    }
    ContextStrategy strategy = p.specialists().find(d.plan().specialist()).orElseThrow().context();
    if (!(p.contexts().get(strategy) instanceof AnswerCheck check)) {
      return Map.of();
    }
    try {
      return check.check(answer, d.context());
    } catch (RuntimeException e) {
      return Map.of("error", String.valueOf(e.getMessage()));
    }
  }

  /**
   * Queues flagged exchanges for review and stores Moira's predictions. The answer is already
   * recorded; these are follow-ups, so a store failure here must not turn it into an error. (The
   * stores wired in {@code app} spool these writes while the database is away; only a failing spool
   * disk reaches the catch below.)
   */
  private void afterAnswer(Records.Draft d, String content, RiskAssessment output) {
    String tenant = d.req().caller().tenant();
    try {
      if (d.screening().input().flagged()) {
        p.powers().reviews().enqueue(d.id(), tenant, "input", d.screening().input(), d.at());
      }
      if (output.flagged()) {
        p.powers().reviews().enqueue(d.id(), tenant, "output", output, d.at());
      }
      var scenarios = foresight.parse(content);
      if (!scenarios.isEmpty() && isForesight(d.plan())) {
        p.powers()
            .predictions()
            .save(d.id(), tenant, d.plan().specialist(), content, scenarios, d.at());
      }
    } catch (RuntimeException e) {
      // The recorded answer stands; the queue and predictions are follow-ups, logged when lost.
      LOG.log(System.Logger.Level.ERROR, "review/prediction follow-up of " + d.id() + " lost", e);
    }
  }

  private boolean isForesight(Plan plan) {
    return plan.specialist() != null
        && p.specialists().find(plan.specialist()).orElseThrow().context()
            == ContextStrategy.FORESIGHT;
  }

  private void learn(Plan plan, int cluster, Reward reward) {
    double evidence = p.traitConfig().rewardEvidence();
    if (evidence == 0) {
      return;
    }
    TraitEvidence e = TraitEvidence.ofReward(reward.value(), evidence);
    if (plan.specialist() != null) {
      p.learner().add(plan.specialist(), e, "reward");
    }
    if (cluster >= 0) {
      // The base model's answers teach its posterior in the cluster, for the bandit.
      String arm = plan.specialist() != null ? plan.specialist() : TraitStore.BASE;
      p.learner().addInCluster(arm, cluster, e);
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
