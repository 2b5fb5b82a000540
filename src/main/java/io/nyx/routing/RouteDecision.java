package io.nyx.routing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of routing, with the evidence. {@code scores} maps every specialist to its final
 * score (after the trait prior and, when the master answered, its vote), highest first; {@code
 * margin} is top score - second score; {@link #master()} says whether the master was asked and what
 * came of it. A semantic decision's {@code fit} is what was compared with the abstain threshold:
 * the chosen specialist's fit, or the best one's for an abstention (SemanticRouter's class Javadoc;
 * it is not always a score, since a ranking model may order the specialists; for a second opinion,
 * the threshold plus what the ranking model's router cleared its own threshold by). Decisions the
 * master or a pin made carry the fit of the semantic decision they started from.
 */
public sealed interface RouteDecision {

  /** How it was decided. */
  RouteMethod method();

  /** How sure the router is of this decision, in [0,1]. */
  double confidence();

  Map<String, Double> scores();

  /** Top score - second score (0 when there is one specialist or the decision was forced). */
  double margin();

  MasterVerdict master();

  /** What was compared with the abstain threshold (interface Javadoc); NaN for a forced route. */
  double fit();

  /** The chosen specialist, or empty when the base model answers. */
  Optional<String> specialist();

  /** A specialist answers. */
  record Chosen(
      String name,
      RouteMethod method,
      double confidence,
      double margin,
      Map<String, Double> scores,
      MasterVerdict master,
      double fit)
      implements RouteDecision {
    public Chosen {
      scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /** A semantic decision without the master, whose fit is its score. */
    public Chosen(String name, double confidence, double margin, Map<String, Double> scores) {
      this(
          name,
          RouteMethod.SEMANTIC,
          confidence,
          margin,
          scores,
          MasterVerdict.NOT_ASKED,
          scores.getOrDefault(name, 0.0));
    }

    @Override
    public Optional<String> specialist() {
      return Optional.of(name);
    }
  }

  /** No specialist fits; the base model answers. {@code reason} says why, for the record. */
  record Abstained(
      String reason,
      double confidence,
      double margin,
      Map<String, Double> scores,
      MasterVerdict master,
      double fit)
      implements RouteDecision {
    public Abstained {
      scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /** A semantic abstention without the master, whose fit is the best score. */
    public Abstained(String reason, double confidence, Map<String, Double> scores) {
      this(
          reason,
          confidence,
          marginOf(scores),
          scores,
          MasterVerdict.NOT_ASKED,
          scores.values().stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }

    @Override
    public RouteMethod method() {
      return RouteMethod.ABSTAIN;
    }

    @Override
    public Optional<String> specialist() {
      return Optional.empty();
    }
  }

  /** The caller named the specialist ({@code specialist} field or {@code model: nyx/<name>}). */
  record Forced(String name) implements RouteDecision {
    @Override
    public RouteMethod method() {
      return RouteMethod.FORCED;
    }

    @Override
    public double confidence() {
      return 1.0;
    }

    @Override
    public Map<String, Double> scores() {
      return Map.of(name, 1.0);
    }

    @Override
    public double margin() {
      return 0;
    }

    @Override
    public MasterVerdict master() {
      return MasterVerdict.NOT_ASKED;
    }

    @Override
    public double fit() {
      return Double.NaN;
    }

    @Override
    public Optional<String> specialist() {
      return Optional.of(name);
    }
  }

  /** Top - second of scores already ordered highest first. */
  static double marginOf(Map<String, Double> ordered) {
    var it = ordered.values().iterator();
    double top = it.hasNext() ? it.next() : 0;
    double second = it.hasNext() ? it.next() : 0;
    return top - second;
  }
}
