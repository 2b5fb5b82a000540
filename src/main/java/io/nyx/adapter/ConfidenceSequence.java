package io.nyx.adapter;

/**
 * An always-valid confidence sequence for the mean reward of one stream of answers: the predictable
 * plug-in empirical-Bernstein confidence sequence of Waudby-Smith and Ramdas ("Estimating means of
 * bounded random variables by betting", JRSS-B 2023, Theorem 2). With probability at least {@code 1
 * − alpha} the true mean lies inside the interval at <em>every</em> sample size at once, so the
 * interval may be looked at after each answer and acted on when it excludes a value, without
 * inflating the error rate — what a canary watched continuously needs. It assumes only that rewards
 * are bounded (Nyx's are in [−1, 1]) and share one conditional mean; no normality, no known
 * variance, valid at every n (not only asymptotically).
 *
 * <p>On {@code x = (reward + 1) / 2 ∈ [0, 1]}, after t answers:
 *
 * <pre>
 *   μ̂_t = (1/2 + Σ x_i) / (t + 1)          σ̂²_t = (1/4 + Σ (x_i − μ̂_i)²) / (t + 1)
 *   λ_t = min( sqrt(2·log(2/α) / (σ̂²_{t−1} · t · log(1 + t))), 1/2 )
 *   v_t = 4·(x_t − μ̂_{t−1})²                ψ(λ) = (−log(1 − λ) − λ) / 4
 *   C_t = Σ λ_i x_i / Σ λ_i  ±  (log(2/α) + Σ v_i ψ(λ_i)) / Σ λ_i
 * </pre>
 *
 * λ_t depends only on answers before t (it is predictable), which is what makes the bound hold at
 * every t. The interval is reported on the reward scale ({@code 2x − 1}). Not thread-safe: one
 * owner adds in order.
 */
public final class ConfidenceSequence {
  /** The cap on λ the paper suggests; larger bets shrink faster but overshoot on outliers. */
  static final double MAX_LAMBDA = 0.5;

  private final double logTerm;
  private int n;
  private double sumX;
  private double sumSquares = 0.25;
  private double meanBefore = 0.5;
  private double varianceBefore = 0.25;
  private double sumLambdaX;
  private double sumLambda;
  private double sumPenalty;

  /**
   * @param alpha the chance, over the whole unbounded sequence, that the mean ever leaves the
   *     interval, in (0, 1)
   */
  public ConfidenceSequence(double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1) but was " + alpha);
    }
    this.logTerm = Math.log(2 / alpha);
  }

  /** Adds one answer's reward; values outside [−1, 1] are clamped (rewards never are). */
  public void add(double reward) {
    double x = (Math.max(-1, Math.min(1, reward)) + 1) / 2;
    int t = n + 1;
    double lambda =
        Math.min(Math.sqrt(2 * logTerm / (varianceBefore * t * Math.log(1 + t))), MAX_LAMBDA);
    double v = 4 * (x - meanBefore) * (x - meanBefore);
    sumPenalty += v * (-Math.log1p(-lambda) - lambda) / 4;
    sumLambdaX += lambda * x;
    sumLambda += lambda;
    n = t;
    sumX += x;
    double mean = (0.5 + sumX) / (t + 1);
    sumSquares += (x - mean) * (x - mean);
    meanBefore = mean;
    varianceBefore = sumSquares / (t + 1);
  }

  public int count() {
    return n;
  }

  /** The plain sample mean of the rewards (0 before any). */
  public double mean() {
    return n == 0 ? 0 : 2 * sumX / n - 1;
  }

  /** The interval's lower end on the reward scale; −1 before any answer. */
  public double lower() {
    return n == 0 ? -1 : 2 * Math.max(0, center() - halfWidth()) - 1;
  }

  /** The interval's upper end on the reward scale; 1 before any answer. */
  public double upper() {
    return n == 0 ? 1 : 2 * Math.min(1, center() + halfWidth()) - 1;
  }

  private double center() {
    return sumLambdaX / sumLambda;
  }

  private double halfWidth() {
    return (logTerm + sumPenalty) / sumLambda;
  }
}
