package io.nyx.learning;

import io.nyx.settings.SettingException;
import java.time.Duration;

/**
 * Trait weight learning (see {@link TraitPosterior}). Every weight stays in [min, max]. An answer
 * adds {@code rewardEvidence} observations of success {@code (reward + 1) / 2} to its specialist's
 * Beta posterior; a human rating adds {@code feedbackEvidence} observations of success {@code
 * (rating + 1) / 2}. The prior is worth {@code priorStrength} observations, evidence halves every
 * {@code halfLifeS} seconds (0: never), a weight moves at most {@code maxStep} per update and only
 * when the posterior mean is {@code hysteresis} away, an operator's weight is left alone for {@code
 * pinS} seconds, and {@code explore} of routed traffic is decided by a Thompson draw. With {@code
 * clusters} above 0 each specialist (and the base model) also has a posterior per query cluster,
 * and once a query's cluster holds {@code clusterMinEvidence} observations a contextual bandit
 * picks who answers among the specialists that fit the query within {@code banditMargin} of the
 * best similarity, and the base model. The ratings of one key without the admin scope may add at
 * most {@code feedbackMaxEvidence} observations to one trait within {@code feedbackWindowS}
 * seconds; beyond that a rating still sets its answer's reward but does not tell the trait.
 */
public record TraitConfig(
    double min,
    double max,
    double rewardEvidence,
    double feedbackEvidence,
    double priorStrength,
    double halfLifeS,
    double maxStep,
    double hysteresis,
    double pinS,
    double explore,
    int clusters,
    double clusterMinEvidence,
    double banditMargin,
    double feedbackMaxEvidence,
    double feedbackWindowS) {
  /**
   * Query clusters for the contextual bandit (k-means over the exemplars); 0 = off. Off by default,
   * measured with {@code nyx simulate} (seed 42): on stationary streams (half_life_s 0) with
   * specialists good on some labels and bad on others, 8 clusters beat static routing by 550 and
   * 912 expected successes over 8,000 requests (default and many-intents sets) against 46 and 163
   * without clusters, with regret against the best fixed arm per context growing logarithmically.
   * But with the default 300 s half-life a context holds too little evidence to stop exploring, so
   * on the shipped rates with a degrading specialist it ends 58 behind static routing (instead of
   * 15.5 ahead) and takes 334 requests instead of 163 to restore a healed specialist's traffic.
   */
  public static final int DEFAULT_CLUSTERS = 0;

  /** Decayed observations a cluster needs before routing trusts it over its specialist's weight. */
  public static final double DEFAULT_CLUSTER_MIN_EVIDENCE = 2;

  /**
   * The bandit's candidates: specialists within this much similarity of the best one. Narrow, so a
   * specialist's cluster posterior learns from queries it is a near-top fit for (wide candidate
   * sets pool a specialist's good and bad labels and explore many arms: on many-intents with the
   * mixed rates, margin 1 lost to static routing, 0.03 beat it by 834 over 8,000 steps).
   */
  public static final double DEFAULT_BANDIT_MARGIN = 0.03;

  /**
   * Three ratings (at the default feedback_evidence of 2) per key, specialist and hour: a person
   * who disagrees with routing is heard within a session, while one key rating many of its own
   * answers pulls a posterior with the default prior strength of 10 at most 6/16 of the way to 0 or
   * 1 (22 ratings once moved a weight from 0.5 to 0.1 in two seconds).
   */
  public static final double DEFAULT_FEEDBACK_MAX_EVIDENCE = 6;

  public static final double DEFAULT_FEEDBACK_WINDOW_S = 3_600;

  /** Fixes the k-means seeding, so every replica computes the same clusters. */
  public static final long CLUSTER_SEED = 42;

  public static final TraitConfig DEFAULT =
      new TraitConfig(
          0.05,
          1.0,
          0.25,
          2.0,
          10,
          300,
          0.05,
          0.005,
          86_400,
          0,
          DEFAULT_CLUSTERS,
          DEFAULT_CLUSTER_MIN_EVIDENCE,
          DEFAULT_BANDIT_MARGIN,
          DEFAULT_FEEDBACK_MAX_EVIDENCE,
          DEFAULT_FEEDBACK_WINDOW_S);

  public TraitConfig {
    if (!(min >= 0 && min < 1)) {
      throw new SettingException("min", min, "in [0,1)");
    }
    if (!(max > min && max <= 1)) {
      throw new SettingException("max", max, "in (traits.min, 1]");
    }
    requireIn("reward_evidence", rewardEvidence, 0, 100);
    requireIn("feedback_evidence", feedbackEvidence, 0, 100);
    if (!(priorStrength > 0 && priorStrength <= 1e6)) {
      throw new SettingException("prior_strength", priorStrength, "in (0,1e6]");
    }
    requireIn("half_life_s", halfLifeS, 0, 1e9);
    if (!(maxStep > 0 && maxStep <= 1)) {
      throw new SettingException("max_step", maxStep, "in (0,1]");
    }
    if (!(hysteresis >= 0 && hysteresis < 1)) {
      throw new SettingException("hysteresis", hysteresis, "in [0,1)");
    }
    requireIn("pin_s", pinS, 0, 1e9);
    requireIn("explore", explore, 0, 1);
    if (clusters < 0 || clusters > 1024) {
      throw new SettingException("clusters", clusters, "in [0,1024] (0 = off)");
    }
    requireIn("cluster_min_evidence", clusterMinEvidence, 0, 1e6);
    requireIn("bandit_margin", banditMargin, 0, 1);
    requireIn("feedback_max_evidence", feedbackMaxEvidence, 0, 1e6);
    if (!(feedbackWindowS >= 1 && feedbackWindowS <= 1e9)) {
      throw new SettingException("feedback_window_s", feedbackWindowS, "in [1,1e9]");
    }
  }

  /** The same settings with {@code k} query clusters. */
  public TraitConfig withClusters(int k) {
    return new TraitConfig(
        min,
        max,
        rewardEvidence,
        feedbackEvidence,
        priorStrength,
        halfLifeS,
        maxStep,
        hysteresis,
        pinS,
        explore,
        k,
        clusterMinEvidence,
        banditMargin,
        feedbackMaxEvidence,
        feedbackWindowS);
  }

  /** The window of {@code feedbackMaxEvidence}. */
  public Duration feedbackWindow() {
    return seconds(feedbackWindowS);
  }

  private static void requireIn(String field, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      throw new SettingException(field, v, "in [" + fmt(lo) + "," + fmt(hi) + "]");
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v) : Double.toString(v);
  }

  public LearningSettings learning() {
    return new LearningSettings(
        priorStrength, seconds(halfLifeS), maxStep, hysteresis, seconds(pinS));
  }

  /** The contextual bandit that decides routed queries of a cluster (with clusters above 0). */
  public ClusterBandit bandit() {
    return new ClusterBandit(clusterMinEvidence);
  }

  public ThompsonExplorer explorer() {
    return new ThompsonExplorer(explore);
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }
}
