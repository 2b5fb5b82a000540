package io.nyx.routing;

import io.nyx.settings.SettingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The route policy: the semantic decision, then pins, then the master when it is worth asking.
 *
 * <ul>
 *   <li>Disabled specialists enter the semantic router with trait weight 0, so they score 0 and
 *       never win; they are never offered to the master.
 *   <li>A pinned specialist is chosen for every query (method "pinned"), scores still recorded.
 *   <li>Mode semantic: the semantic decision. Mode master: the master is asked every time and its
 *       pick is taken (method "master"). Mode hybrid: the master is asked only on a close call: the
 *       semantic router chose and its margin is below {@code masterMargin}, or the deciding fit
 *       (what the threshold is compared with) lies within {@code masterBand} of the abstain
 *       threshold, chosen or abstained: whether the query is in scope at all is then the close
 *       call. The verdict records which.
 *   <li>When the master answers a specialist a with confidence c, the scores become {@code s_i +
 *       masterWeight * c * [i = a]} and the best wins (hybrid); confidence is c when the winner is
 *       a, else the semantic confidence times (1 - c). "none" abstains. A master that times out,
 *       fails or answers garbage leaves the semantic decision as it was, with the verdict attached.
 * </ul>
 *
 * No randomness: the same query, weights and master answer give the same decision. Thread-safe.
 */
public final class PolicyRouter implements Router {
  private final SemanticRouter semantic;
  private final Master master;
  private final RoutingSettings settings;
  private final FollowUps followUps;

  public PolicyRouter(SemanticRouter semantic, Master master, RoutingSettings settings) {
    List<String> known = semantic.specialists();
    for (String name : settings.disabled()) {
      requireKnown(known, "disabled", name);
    }
    if (!settings.pinned().isEmpty()) {
      requireKnown(known, "pinned", settings.pinned());
    }
    this.semantic = semantic;
    this.master = master;
    this.settings = settings;
    this.followUps = new FollowUps(semantic);
  }

  /** Follow-ups stay with the previous turn's specialist ({@link FollowUps}). */
  @Override
  public RouteDecision inConversation(
      List<String> earlier, RouteDecision alone, Map<String, Double> traitWeights) {
    return earlier.isEmpty() ? alone : followUps.decide(earlier, alone, withDisabled(traitWeights));
  }

  @Override
  public RouteDecision route(String query, Map<String, Double> traitWeights) {
    Map<String, Double> weights = withDisabled(traitWeights);
    return decide(query, semantic.route(query, weights), weights);
  }

  /** {@link #route} on each query, with one batched embedding call. */
  public List<RouteDecision> routeAll(List<String> queries, Map<String, Double> traitWeights) {
    Map<String, Double> weights = withDisabled(traitWeights);
    List<RouteDecision> first = semantic.routeAll(queries, weights);
    List<RouteDecision> out = new ArrayList<>(queries.size());
    for (int i = 0; i < queries.size(); i++) {
      out.add(decide(queries.get(i), first.get(i), weights));
    }
    return out;
  }

  /**
   * The specialists a learned choice may send {@code query} to ({@link SemanticRouter#admissible}),
   * without the disabled ones. Only for semantic decisions: a pinned, forced or master-decided
   * route is not the learner's to change.
   */
  @Override
  public List<String> admissible(String query, double margin) {
    return semantic.admissible(query, margin, Set.copyOf(settings.disabled()));
  }

  public SemanticRouter semantic() {
    return semantic;
  }

  private RouteDecision decide(String query, RouteDecision s, Map<String, Double> weights) {
    if (!settings.pinned().isEmpty()) {
      return pinned(s);
    }
    boolean blank = query == null || query.isBlank();
    String trigger = blank ? "" : trigger(s, weights);
    if (trigger.isEmpty()) {
      return s;
    }
    MasterVerdict v = master.ask(query, candidates(s)).triggeredBy(trigger);
    if (!v.answered()) {
      return withVerdict(s, v);
    }
    if (MasterModel.NONE.equals(v.choice())) {
      String reason =
          String.format(
              Locale.ROOT, "master: no specialist fits (confidence %.2f)", v.confidence());
      MasterVerdict none = outcome(v, "none");
      return new RouteDecision.Abstained(
          reason, v.confidence(), s.margin(), s.scores(), none, s.fit());
    }
    return combine(s, v);
  }

  /** Why the master should be asked about {@code s}, or "" when it should not. */
  private String trigger(RouteDecision s, Map<String, Double> weights) {
    return switch (settings.mode()) {
      case SEMANTIC -> "";
      case MASTER -> "always";
      case HYBRID -> {
        if (s instanceof RouteDecision.Chosen && s.margin() < settings.masterMargin()) {
          yield "close_race";
        }
        yield nearThreshold(s, weights) ? "near_threshold" : "";
      }
    };
  }

  /**
   * The fit that decided {@code s} (the chosen specialist's, or the best one's for an abstention)
   * lies within {@code masterBand} of the abstain threshold.
   */
  private boolean nearThreshold(RouteDecision s, Map<String, Double> weights) {
    if (settings.masterBand() == 0 || s.scores().isEmpty()) {
      return false;
    }
    return Math.abs(s.fit() - semantic.threshold()) < settings.masterBand();
  }

  private RouteDecision combine(RouteDecision s, MasterVerdict v) {
    String pick = Objects.requireNonNull(v.choice(), "only an answered verdict is combined");
    Map<String, Double> scores = new HashMap<>(s.scores());
    scores.merge(pick, settings.masterWeight() * v.confidence(), Double::sum);
    Map<String, Double> ranked = ranked(scores);
    if (s instanceof RouteDecision.Abstained) {
      // The router found no specialist fit; the master says one does. There is no semantic
      // winner to weigh its pick against, so the pick answers, on the master's confidence.
      double best = Objects.requireNonNull(scores.get(pick), "merged above");
      double other =
          scores.entrySet().stream()
              .filter(e -> !e.getKey().equals(pick))
              .mapToDouble(Map.Entry::getValue)
              .max()
              .orElse(0);
      RouteMethod method = masterMethod();
      return new RouteDecision.Chosen(
          pick,
          method,
          v.confidence(),
          Math.max(0, best - other),
          ranked,
          outcome(v, "overruled"),
          s.fit());
    }
    String winner =
        settings.mode() == RoutingMode.MASTER ? pick : ranked.keySet().iterator().next();
    String semanticTop = s.specialist().orElse("");
    MasterVerdict verdict = outcome(v, pick.equals(semanticTop) ? "agreed" : "overruled");
    double confidence =
        winner.equals(pick) ? v.confidence() : s.confidence() * (1 - v.confidence());
    RouteMethod method = masterMethod();
    return new RouteDecision.Chosen(
        winner, method, confidence, RouteDecision.marginOf(ranked), ranked, verdict, s.fit());
  }

  private List<String> candidates(RouteDecision s) {
    return s.scores().keySet().stream().filter(n -> !settings.disabled().contains(n)).toList();
  }

  private RouteDecision pinned(RouteDecision s) {
    String name = settings.pinned();
    return new RouteDecision.Chosen(
        name, RouteMethod.PINNED, 1.0, s.margin(), s.scores(), MasterVerdict.NOT_ASKED, s.fit());
  }

  /** A decision the master took part in: its own in master mode, a vote in hybrid mode. */
  private RouteMethod masterMethod() {
    return settings.mode() == RoutingMode.MASTER ? RouteMethod.MASTER : RouteMethod.HYBRID;
  }

  private Map<String, Double> withDisabled(Map<String, Double> traitWeights) {
    if (settings.disabled().isEmpty()) {
      return traitWeights;
    }
    Map<String, Double> w = new HashMap<>(traitWeights);
    settings.disabled().forEach(name -> w.put(name, 0.0));
    return w;
  }

  private static RouteDecision withVerdict(RouteDecision s, MasterVerdict v) {
    return switch (s) {
      case RouteDecision.Chosen c ->
          new RouteDecision.Chosen(
              c.name(), c.method(), c.confidence(), c.margin(), c.scores(), v, c.fit());
      case RouteDecision.Abstained a ->
          new RouteDecision.Abstained(
              a.reason(), a.confidence(), a.margin(), a.scores(), v, a.fit());
      case RouteDecision.Forced f -> f;
    };
  }

  private static MasterVerdict outcome(MasterVerdict v, String outcome) {
    return new MasterVerdict(true, outcome, v.choice(), v.confidence(), v.detail(), v.trigger());
  }

  /** Highest first, ties by name, like the semantic router. */
  private static Map<String, Double> ranked(Map<String, Double> scores) {
    Map<String, Double> out = new LinkedHashMap<>();
    scores.entrySet().stream()
        .sorted(
            Map.Entry.<String, Double>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static void requireKnown(List<String> known, String field, String name) {
    if (!known.contains(name)) {
      throw new SettingException(field, name, "one of " + known);
    }
  }
}
