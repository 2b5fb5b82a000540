package io.nyx.learning;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The routing decision of the contextual bandit: for a query of cluster c, Thompson sampling over
 * the arms routing may use for it, on per-cluster Beta posteriors that back off to the specialist's
 * current weight. The arms are the admissible specialists (semantic fit at or above the abstain
 * threshold, not disabled: see {@code SemanticRouter#admissible}) and the base model, which is
 * always allowed. So an out-of-scope query (no admissible specialist) still goes to the base model,
 * and a learned choice can only pick among specialists that fit or abstain.
 *
 * <p>With prior strength n0, trait weight w_a (the specialist's current weight: learned overall, or
 * the operator's), the cluster's evidence S, F decayed to now by the half-life (factor f), and the
 * base model's prior weight {@value #BASE_PRIOR}:
 *
 * <pre>
 *   theta_a ~ Beta(n0·w_a + f·S_a,c,  n0·(1 - w_a) + f·F_a,c)
 *   theta_a = w_a                              while a's operator pin holds (steering is exact)
 *   choice  = argmax over admissible a and base of theta_a   (ties: the router's pick, then name)
 * </pre>
 *
 * The prior tracks the trait's weight at read time (hierarchical back-off): a cluster with little
 * evidence behaves like its specialist, and a specialist that degrades everywhere drags down its
 * little-seen clusters too. Until the cluster holds {@code minEvidence} decayed observations over
 * its arms, the router's own decision stands (the semantic prior is the good prior). Pure: the
 * random generator is passed in; not thread-safe in the generator's sense (callers lock it).
 *
 * @param minEvidence decayed observations the cluster needs before the bandit decides, &ge; 0
 */
public record ClusterBandit(double minEvidence) {
  /** The base model's prior weight: neutral, like a specialist's shipped initial weight. */
  public static final double BASE_PRIOR = 0.5;

  public ClusterBandit {
    if (!(minEvidence >= 0)) {
      throw new IllegalArgumentException("minEvidence must be >= 0 but was " + minEvidence);
    }
  }

  /** What the bandit reads: the learned state as of one snapshot. */
  public record State(
      Map<String, TraitPosterior> traits,
      Map<String, Map<Integer, TraitPosterior>> clusters,
      Map<Integer, TraitPosterior> base,
      LearningSettings settings) {}

  /**
   * @param cluster the query's cluster; below 0 the router's decision stands
   * @param admissible specialists that fit the query (empty: out of scope, the base model answers)
   * @param routed the router's decision (empty = abstain)
   * @return the specialist that answers, or empty for the base model
   */
  public Optional<String> choose(
      int cluster,
      List<String> admissible,
      Optional<String> routed,
      State state,
      Instant now,
      RandomGenerator rng) {
    if (admissible.isEmpty()) {
      return Optional.empty();
    }
    if (cluster < 0 || evidence(cluster, admissible, state, now) < minEvidence) {
      return routed;
    }
    List<Optional<String>> arms = new ArrayList<>();
    arms.add(routed.filter(admissible::contains)); // ties go to the router's pick
    arms.add(Optional.empty());
    admissible.stream().sorted().map(Optional::of).forEach(arms::add);
    Optional<String> best = arms.get(0);
    double bestValue = Double.NEGATIVE_INFINITY;
    for (Optional<String> arm : new LinkedHashSet<>(arms)) {
      double v = value(arm, cluster, state, now, rng);
      if (v > bestValue) {
        best = arm;
        bestValue = v;
      }
    }
    return best;
  }

  /** Decayed observations the cluster holds over the query's arms. */
  double evidence(int cluster, List<String> admissible, State state, Instant now) {
    double n = decayed(state.base().get(cluster), state.settings(), now);
    for (String a : admissible) {
      n += decayed(state.clusters().getOrDefault(a, Map.of()).get(cluster), state.settings(), now);
    }
    return n;
  }

  private static double value(
      Optional<String> arm, int cluster, State state, Instant now, RandomGenerator rng) {
    if (arm.isEmpty()) {
      return draw(BASE_PRIOR, state.base().get(cluster), state.settings(), now, rng);
    }
    TraitPosterior t = state.traits().get(arm.get());
    if (t == null) {
      return -1; // not a known trait: never preferred over one
    }
    if (t.pinnedAt(now)) {
      return t.weight();
    }
    TraitPosterior c = state.clusters().getOrDefault(arm.get(), Map.of()).get(cluster);
    return draw(t.weight(), c, state.settings(), now, rng);
  }

  private static double draw(
      double prior,
      @Nullable TraitPosterior c,
      LearningSettings s,
      Instant now,
      RandomGenerator rng) {
    double f = c == null ? 0 : c.decayFactor(now, s);
    double n0 = s.priorStrength();
    double alpha = n0 * prior + (c == null ? 0 : f * c.successes());
    double beta = n0 * (1 - prior) + (c == null ? 0 : f * c.failures());
    return BetaSampler.sample(alpha, beta, rng);
  }

  private static double decayed(@Nullable TraitPosterior c, LearningSettings s, Instant now) {
    return c == null ? 0 : c.decayFactor(now, s) * c.evidence();
  }
}
