package io.nyx.pipeline;

import io.nyx.context.time.Kairos;
import io.nyx.learning.BanditContext;
import io.nyx.learning.TraitConfig;
import io.nyx.learning.TraitWeights;
import io.nyx.routing.QueryClusters;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.RouteMethod;
import io.nyx.routing.Router;
import io.nyx.safety.RiskAssessment;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.specialist.Specialists;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Stage 1, who answers. Reads the question (Kairos's time reading, Eleos's risk screen), routes it
 * (or takes the caller's named specialist), and lets the contextual bandit or exploration pick
 * among plausible specialists where routing leaves room; a flagged question goes to the safety
 * specialist whatever routing said. Nothing here calls a model except the router's master.
 * Thread-safe.
 */
final class RouteStage {
  private final Router router;
  private final QueryClusters clusters;
  private final Specialists specialists;
  private final TraitWeights weights;
  private final TraitConfig traits;
  private final Screen screen;
  private final Plans plans;
  private final Kairos kairos = new Kairos();

  RouteStage(
      Router router,
      QueryClusters clusters,
      Specialists specialists,
      TraitWeights weights,
      TraitConfig traits,
      Screen screen,
      Plans plans) {
    this.router = router;
    this.clusters = clusters;
    this.specialists = specialists;
    this.weights = weights;
    this.traits = traits;
    this.screen = screen;
    this.plans = plans;
  }

  /**
   * @throws NyxException.BadRequest when the request names an unknown specialist
   */
  Decision decide(InferenceRequest req, Instant now, ZoneId zone) {
    return decide(req, now, zone, screen.assess(req.query()));
  }

  /** {@link #decide} with the question's screen already known. */
  private Decision decide(InferenceRequest req, Instant now, ZoneId zone, RiskAssessment risk) {
    var time = kairos.read(req.query(), now, zone);
    int cluster = banditContext(req);
    RouteDecision route = route(req);
    Optional<String> safety = risk.flagged() ? safetySpecialist() : Optional.empty();
    if (safety.isPresent()) {
      Plan plan = plans.specialist(safety.get(), req);
      return new Decision(time, risk, route, cluster, plan, RouteMethod.SAFETY);
    }
    Plan plan = answerer(route, cluster, req).map(n -> plans.specialist(n, req)).orElse(null);
    return new Decision(
        time, risk, route, cluster, plan == null ? plans.base(req) : plan, route.method());
  }

  /**
   * Whether the question's screen may run beside the model call ({@link #assumingUnflagged}, then
   * {@link #confirm}): the caller named the specialist, so the screen decides nothing but the rare
   * safety override (a stream is held back until it has decided: {@code ScreenGate}).
   */
  boolean screensAside(InferenceRequest req) {
    return req.specialist() != null;
  }

  /**
   * The decision for a named specialist as it stands if the question is not flagged, made without
   * the embedding (its screen and bandit context come in {@link #confirm}).
   *
   * @throws NyxException.BadRequest when the request names an unknown specialist
   */
  Decision assumingUnflagged(InferenceRequest req, Instant now, ZoneId zone) {
    RouteDecision route = route(req);
    String named = route.specialist().orElseThrow();
    return new Decision(
        kairos.read(req.query(), now, zone),
        RiskAssessment.NONE,
        route,
        -1,
        plans.specialist(named, req),
        route.method());
  }

  /**
   * The decision {@link #decide} makes, from one made {@link #assumingUnflagged} and the screen
   * that ran meanwhile: the same one with the screen and bandit context filled in, or, for a
   * flagged question, the safety specialist's.
   */
  Decision confirm(
      Decision assumed, InferenceRequest req, RiskAssessment risk, Instant now, ZoneId zone) {
    if (risk.flagged()) {
      return decide(req, now, zone, risk);
    }
    return new Decision(
        assumed.time(),
        risk,
        assumed.route(),
        banditContext(req),
        assumed.plan(),
        assumed.method());
  }

  /** Whether a question screened so goes to the safety specialist, whoever was named or routed. */
  boolean overrides(RiskAssessment risk) {
    return risk.flagged() && safetySpecialist().isPresent();
  }

  /** The specialist that answers risky requests: the first whose context is safety. */
  private Optional<String> safetySpecialist() {
    return specialists.all().stream()
        .filter(s -> s.context() == ContextStrategy.SAFETY)
        .map(SpecialistConfig::name)
        .findFirst();
  }

  /** Forced, or routed with the current trait weights. */
  private RouteDecision route(InferenceRequest req) {
    String forced = req.specialist();
    if (forced == null) {
      var w = weights.current();
      return router.inConversation(earlierUserTurns(req), router.route(req.query(), w), w);
    }
    if (specialists.find(forced).isEmpty()) {
      throw new NyxException.BadRequest(
          "specialist", "unknown specialist '" + forced + "'; known: " + specialists.names());
    }
    return new RouteDecision.Forced(forced);
  }

  /**
   * The user turns before the last one, oldest first: what decides whether the last message is a
   * follow-up ({@link io.nyx.routing.FollowUps}).
   */
  private static java.util.List<String> earlierUserTurns(InferenceRequest req) {
    java.util.List<String> users =
        req.conversation().stream()
            .filter(m -> "user".equals(m.role()))
            .map(m -> m.content())
            .toList();
    return users.isEmpty() ? users : users.subList(0, users.size() - 1);
  }

  /**
   * The query's bandit context ({@link BanditContext}: its k-means cluster and the specialists that
   * may answer it), or −1 without clusters. Recorded with the row as its cluster.
   */
  private int banditContext(InferenceRequest req) {
    int cluster = clusters.of(req.query());
    if (cluster < 0) {
      return -1;
    }
    return BanditContext.of(cluster, router.admissible(req.query(), traits.banditMargin()));
  }

  /**
   * Who answers a decision. Forced, pinned and master-decided routes stand. A semantic decision on
   * a query of a cluster goes to the contextual bandit, which picks among the specialists that fit
   * and the base model ({@link io.nyx.learning.ClusterBandit}); without clusters exploration (a
   * no-op unless traits.explore &gt; 0) may pick another plausible specialist.
   */
  private Optional<String> answerer(RouteDecision route, int cluster, InferenceRequest req) {
    if (req.specialist() != null || !route.method().semantic()) {
      return route.specialist();
    }
    // A master that was asked but gave no usable answer leaves a semantic decision: the bandit's.
    if (cluster >= 0 && !route.master().answered()) {
      return weights.choose(
          traits.bandit(),
          cluster,
          router.admissible(req.query(), traits.banditMargin()),
          route.specialist());
    }
    return weights.explore(route.scores(), route.specialist());
  }
}
