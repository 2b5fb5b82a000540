package io.nyx.routing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of routing, with the evidence. {@code scores} maps every specialist to its final
 * score in [0,1] (after trait weighting), highest first.
 */
public sealed interface RouteDecision {

  /** "semantic", "abstain" or "forced" (later issues add "master", "hybrid"). */
  String method();

  /** How sure the router is of this decision, in [0,1]. */
  double confidence();

  Map<String, Double> scores();

  /** The chosen specialist, or empty when the base model answers. */
  Optional<String> specialist();

  /** Highest-scoring specialist above the threshold. {@code margin} = top score - second score. */
  record Chosen(String name, double confidence, double margin, Map<String, Double> scores)
      implements RouteDecision {
    public Chosen {
      scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    @Override
    public String method() {
      return "semantic";
    }

    @Override
    public Optional<String> specialist() {
      return Optional.of(name);
    }
  }

  /** No specialist fits; the base model answers. {@code reason} says why, for the record. */
  record Abstained(String reason, double confidence, Map<String, Double> scores)
      implements RouteDecision {
    public Abstained {
      scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    @Override
    public String method() {
      return "abstain";
    }

    @Override
    public Optional<String> specialist() {
      return Optional.empty();
    }
  }

  /** The caller named the specialist ({@code specialist} field or {@code model: nyx/<name>}). */
  record Forced(String name) implements RouteDecision {
    @Override
    public String method() {
      return "forced";
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
    public Optional<String> specialist() {
      return Optional.of(name);
    }
  }
}
