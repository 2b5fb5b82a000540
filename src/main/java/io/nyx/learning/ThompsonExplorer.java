package io.nyx.learning;

import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Exploration by Thompson sampling on a budget. With probability {@code budget} a request is routed
 * by a posterior draw instead of the posterior mean: for every plausible specialist i (a router
 * score of at least {@code PLAUSIBLE} times the best score, so a question is never sent to a
 * specialist that has nothing to do with it)
 *
 * <pre>
 *   theta_i ~ Beta(alpha_i, beta_i),   value_i = score_i · theta_i / w_i
 * </pre>
 *
 * and the highest value wins: the learned weight w_i in the router's score is replaced by a draw
 * (as if the prior exponent were 1). Specialists with little evidence have wide posteriors and so
 * win now and then; well-known ones win as often as they deserve. Otherwise the router's choice
 * stands. So at most {@code budget} of routed traffic is decided by a draw, and less is actually
 * moved (a draw often agrees with the router). Pure: randomness is passed in.
 */
public record ThompsonExplorer(double budget) {
  /** A specialist is a candidate when its score is at least this share of the best score. */
  static final double PLAUSIBLE = 0.5;

  public static final ThompsonExplorer OFF = new ThompsonExplorer(0);

  public ThompsonExplorer {
    if (!(budget >= 0 && budget <= 1)) {
      throw new IllegalArgumentException("exploration budget must be in [0,1] but was " + budget);
    }
  }

  /**
   * @param scores the router's score per specialist (after trait weighting)
   * @param chosen the router's choice; empty (abstained) is never overridden
   * @return the specialist that answers
   */
  public Optional<String> choose(
      Map<String, Double> scores,
      Optional<String> chosen,
      Map<String, TraitPosterior> posteriors,
      LearningSettings settings,
      RandomGenerator rng) {
    if (chosen.isEmpty() || budget == 0 || rng.nextDouble() >= budget) {
      return chosen;
    }
    double top = scores.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    String best = chosen.get();
    double bestValue = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, Double> e : scores.entrySet()) {
      TraitPosterior p = posteriors.get(e.getKey());
      if (p == null || e.getValue() < PLAUSIBLE * top || e.getValue() <= 0) {
        continue;
      }
      double theta = BetaSampler.sample(p.alpha(settings), p.beta(settings), rng);
      double value = e.getValue() * theta / Math.max(p.weight(), 1e-9);
      if (value > bestValue) {
        bestValue = value;
        best = e.getKey();
      }
    }
    return Optional.of(best);
  }
}
