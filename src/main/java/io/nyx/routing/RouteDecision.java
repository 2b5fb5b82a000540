package io.nyx.routing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of routing, with the evidence. {@code scores} maps every specialist to its final
 * score (after the trait prior and, when the master answered, its vote), highest first; {@code
 * margin} is top score - second score; {@link #master()} says whether the master was asked and what
 * came of it.
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

  /** The chosen specialist, or empty when the base model answers. */
  Optional<String> specialist();

  /** A specialist answers. */
  record Chosen(
      String name,
      RouteMethod method,
      double confidence,
      double margin,
      Map<String, Double> scores,
      MasterVerdict master)
      implements RouteDecision {
    public Chosen {
      scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /** A semantic decision without the master. */
    public Chosen(String name, double confidence, double margin, Map<String, Double> scores) {
      this(name, RouteMethod.SEMANTIC, confidence, margin, scores, MasterVerdict.NOT_ASKED);
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
      MasterVerdict master)
      implements RouteDecision {
    public Abstained {
      scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /** A semantic abstention without the master. */
    public Abstained(String reason, double confidence, Map<String, Double> scores) {
      this(reason, confidence, marginOf(scores), scores, MasterVerdict.NOT_ASKED);
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
