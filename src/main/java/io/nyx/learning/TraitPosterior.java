package io.nyx.learning;

import java.time.Instant;

/**
 * A specialist's learned state: a Beta posterior over "this specialist's answer is a success", and
 * the trait weight routing uses, derived from it. The SQL function {@code update_trait_posterior}
 * (migration V30) computes exactly this; {@link MemoryTraitStore} uses this class directly and is
 * the reference the SQL is tested against.
 *
 * <p>Why Beta: rewards are bounded, so success degree {@code s = (r + 1) / 2} lies in [0,1]; the
 * Beta is conjugate to it (fractional Bernoulli updates stay in closed form), its mean is a
 * probability on the same [0,1] scale as the trait weight (0.5 neutral), its width says how much
 * evidence there is, and Thompson sampling draws from it directly. A Gaussian would need a variance
 * estimate per specialist and put mass outside [0,1].
 *
 * <p>With prior weight p0 (the initial or the operator's weight), prior strength n0, decayed
 * evidence S (successes) and F (failures), half-life h and settings step, band:
 *
 * <pre>
 *   on evidence (s of n) at time t:
 *     f      = 2^(-max(0, t - t_decay) / h)      (f = 1 when h = 0)
 *     S, F   = f·S + s, f·F + (n - s);  t_decay = max(t_decay, t)
 *     alpha  = n0·p0 + S,  beta = n0·(1 - p0) + F,  mean = alpha / (alpha + beta)
 *     target = clip(mean, min, max)
 *     w'     = w                                   while t &lt; pinned_until, or |target - w| &lt; band
 *            = clip(w + clamp(target - w, -step, step), min, max)   otherwise
 *   on an operator weight W at time t:
 *     p0 = w = clip(W, min, max);  S = F = 0;  pinned_until = t + pin
 * </pre>
 *
 * Decay shrinks only the evidence, so with no news the posterior returns to the prior: old evidence
 * fades. The band (hysteresis) and step (largest change per update) keep a noisy posterior from
 * making routing flap. An operator's weight is never silently undone: it becomes the prior,
 * learning leaves it alone while pinned, and afterwards moves from it only on evidence gathered
 * since, each move recorded in the history. {@code trials} and {@code successTotal} are undecayed
 * totals, kept so that sums can be checked exactly.
 */
public record TraitPosterior(
    String name,
    double weight,
    double min,
    double max,
    double priorWeight,
    double successes,
    double failures,
    Instant decayedAt,
    Instant pinnedUntil,
    double trials,
    double successTotal) {

  /** A new trait at its initial weight with no evidence. */
  public static TraitPosterior initial(String name, double weight, double min, double max) {
    return new TraitPosterior(
        name, weight, min, max, weight, 0, 0, Instant.EPOCH, Instant.EPOCH, 0, 0);
  }

  /**
   * A new posterior of this trait in one query cluster: it starts where the trait is now (its
   * current weight as prior and weight), so a cluster begins from what is known of the specialist.
   */
  public TraitPosterior newCluster() {
    return new TraitPosterior(
        name, weight, min, max, weight, 0, 0, Instant.EPOCH, pinnedUntil, 0, 0);
  }

  /** The same state under the trait's pin (a cluster follows its trait's operator pin). */
  public TraitPosterior pinnedUntil(Instant until) {
    return new TraitPosterior(
        name,
        weight,
        min,
        max,
        priorWeight,
        successes,
        failures,
        decayedAt,
        until,
        trials,
        successTotal);
  }

  /** Decayed evidence held, in observations (as of the last update). */
  public double evidence() {
    return successes + failures;
  }

  public double alpha(LearningSettings s) {
    return s.priorStrength() * priorWeight + successes;
  }

  public double beta(LearningSettings s) {
    return s.priorStrength() * (1 - priorWeight) + failures;
  }

  public double mean(LearningSettings s) {
    return alpha(s) / (alpha(s) + beta(s));
  }

  public boolean pinnedAt(Instant t) {
    return t.isBefore(pinnedUntil);
  }

  /** The state after evidence {@code e} arrived at time {@code at}. */
  public TraitPosterior observe(TraitEvidence e, Instant at, LearningSettings s) {
    double f = decayFactor(at, s);
    Instant decayed = at.isAfter(decayedAt) ? at : decayedAt;
    TraitPosterior p =
        new TraitPosterior(
            name,
            weight,
            min,
            max,
            priorWeight,
            f * successes + e.successes(),
            f * failures + e.failures(),
            decayed,
            pinnedUntil,
            trials + e.trials(),
            successTotal + e.successes());
    return p.withWeight(p.nextWeight(at, s));
  }

  /** The state after an operator set the weight to {@code w} at time {@code at}. */
  public TraitPosterior steer(double w, Instant at, LearningSettings s) {
    double clipped = clip(w, min, max);
    return new TraitPosterior(
        name, clipped, min, max, clipped, 0, 0, at, at.plus(s.pin()), trials, successTotal);
  }

  double decayFactor(Instant at, LearningSettings s) {
    double h = s.halfLifeSeconds();
    if (h == 0) {
      return 1;
    }
    double dt =
        (at.getEpochSecond() - decayedAt.getEpochSecond())
            + 1e-9 * (at.getNano() - decayedAt.getNano());
    return Math.pow(2, -Math.min(1000, Math.max(0, dt) / h)); // as in SQL, which underflows
  }

  private double nextWeight(Instant at, LearningSettings s) {
    double diff = clip(mean(s), min, max) - weight;
    if (pinnedAt(at) || Math.abs(diff) < s.hysteresis()) {
      return weight;
    }
    return clip(weight + clip(diff, -s.maxStep(), s.maxStep()), min, max);
  }

  private TraitPosterior withWeight(double w) {
    return new TraitPosterior(
        name,
        w,
        min,
        max,
        priorWeight,
        successes,
        failures,
        decayedAt,
        pinnedUntil,
        trials,
        successTotal);
  }

  public TraitWeight toWeight(Instant updatedAt) {
    return new TraitWeight(name, weight, min, max, updatedAt);
  }

  static double clip(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
