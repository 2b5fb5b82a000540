package io.nyx.adapter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sequential test that decides a canary: is the candidate's mean reward above or below the
 * active version's, on the requests each of them answered since the canary began?
 *
 * <p>Each side gets an always-valid {@link ConfidenceSequence} at level {@code alpha / 2}; by the
 * union bound both hold at every sample size at once with probability at least {@code 1 − alpha},
 * and then so does the interval for the difference {@code Δ = μ_canary − μ_active}:
 *
 * <pre>
 *   [ L_canary − U_active ,  U_canary − L_active ]
 * </pre>
 *
 * Once both sides have {@code minSamples} answers: promote when the interval lies above 0, roll
 * back when it lies below 0. If the canary reaches {@code maxSamples} answers with 0 still inside,
 * it is rolled back as inconclusive (no evidence it is better; the operator may promote it).
 * Because the sequences are valid at every n, the test may be looked at after every answer: with
 * equal means, a promotion or a rollback decided by the test happens with probability at most
 * {@code alpha}, however often it is checked. Not thread-safe: one owner adds in order.
 */
public final class CanaryTest {
  /** How the test reads now, with the figures it read it from. */
  public sealed interface Verdict {
    Figures figures();

    /** Not enough evidence yet either way. */
    record Collecting(Figures figures) implements Verdict {}

    /** The canary is better: promote it. */
    record Promote(Figures figures) implements Verdict {}

    /** The canary is worse: roll it back. */
    record Rollback(Figures figures) implements Verdict {}

    /** The canary reached {@code maxSamples} undecided: roll it back. */
    record Inconclusive(Figures figures) implements Verdict {}
  }

  /**
   * The numbers a verdict was read from; {@code lower}/{@code upper} bound the difference of mean
   * rewards (canary − active).
   */
  public record Figures(
      int canaryAnswers,
      int activeAnswers,
      double canaryMean,
      double activeMean,
      double lower,
      double upper,
      CanarySettings settings) {

    /** As stored with the transition and shown by {@code GET /adapters}. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("test", "empirical-Bernstein confidence sequences, one per side (union bound)");
      m.put("alpha", settings.alpha());
      m.put("canary_answers", canaryAnswers);
      m.put("active_answers", activeAnswers);
      m.put("canary_reward_mean", canaryMean);
      m.put("active_reward_mean", activeMean);
      m.put("difference_lower", lower);
      m.put("difference_upper", upper);
      m.put("min_samples", settings.minSamples());
      m.put("max_samples", settings.maxSamples());
      return m;
    }
  }

  private final CanarySettings settings;
  private final ConfidenceSequence canary;
  private final ConfidenceSequence active;

  public CanaryTest(CanarySettings settings) {
    this.settings = settings;
    this.canary = new ConfidenceSequence(settings.alpha() / 2);
    this.active = new ConfidenceSequence(settings.alpha() / 2);
  }

  /** The test over two complete histories, each in the order its answers were given. */
  public static Verdict judge(double[] canaryRewards, double[] activeRewards, CanarySettings s) {
    CanaryTest test = new CanaryTest(s);
    for (double r : canaryRewards) {
      test.canary(r);
    }
    for (double r : activeRewards) {
      test.active(r);
    }
    return test.verdict();
  }

  public void canary(double reward) {
    canary.add(reward);
  }

  public void active(double reward) {
    active.add(reward);
  }

  public Verdict verdict() {
    Figures f =
        new Figures(
            canary.count(),
            active.count(),
            canary.mean(),
            active.mean(),
            canary.lower() - active.upper(),
            canary.upper() - active.lower(),
            settings);
    boolean enough =
        canary.count() >= settings.minSamples() && active.count() >= settings.minSamples();
    if (enough && f.lower() > 0) {
      return new Verdict.Promote(f);
    }
    if (enough && f.upper() < 0) {
      return new Verdict.Rollback(f);
    }
    if (canary.count() >= settings.maxSamples()) {
      return new Verdict.Inconclusive(f);
    }
    return new Verdict.Collecting(f);
  }
}
