package io.nyx.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConfidenceSequenceTest {

  /**
   * The incremental sums against the paper's formula evaluated from scratch at every t (the slow
   * oracle): same interval, to rounding, on seeded random rewards.
   */
  @Test
  void incrementalSumsMatchTheFormulaRecomputedFromScratch() {
    SplittableRandom random = new SplittableRandom(7);
    double alpha = 0.05;
    double[] rewards = new double[300];
    ConfidenceSequence cs = new ConfidenceSequence(alpha);
    for (int t = 0; t < rewards.length; t++) {
      rewards[t] = Math.max(-1, Math.min(1, 0.3 + 0.4 * random.nextGaussian()));
      cs.add(rewards[t]);
      double[] expected = oracle(rewards, t + 1, alpha);
      assertThat(cs.lower()).as("lower at %d", t + 1).isCloseTo(expected[0], within(1e-9));
      assertThat(cs.upper()).as("upper at %d", t + 1).isCloseTo(expected[1], within(1e-9));
    }
  }

  /** Waudby-Smith and Ramdas (2023), Theorem 2, written out directly over the first n rewards. */
  private static double[] oracle(double[] rewards, int n, double alpha) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = (rewards[i] + 1) / 2;
    }
    double log = Math.log(2 / alpha);
    double num = 0;
    double den = 0;
    double pen = 0;
    for (int t = 1; t <= n; t++) {
      double muPrev = mean(x, t - 1);
      double varPrev = variance(x, t - 1);
      double lambda = Math.min(Math.sqrt(2 * log / (varPrev * t * Math.log(1 + t))), 0.5);
      double v = 4 * Math.pow(x[t - 1] - muPrev, 2);
      pen += v * (-Math.log(1 - lambda) - lambda) / 4;
      num += lambda * x[t - 1];
      den += lambda;
    }
    double center = num / den;
    double half = (log + pen) / den;
    return new double[] {2 * Math.max(0, center - half) - 1, 2 * Math.min(1, center + half) - 1};
  }

  /** μ̂_t = (1/2 + Σ_{i≤t} x_i) / (t + 1). */
  private static double mean(double[] x, int t) {
    double s = 0.5;
    for (int i = 0; i < t; i++) {
      s += x[i];
    }
    return s / (t + 1);
  }

  /** σ̂²_t = (1/4 + Σ_{i≤t} (x_i − μ̂_i)²) / (t + 1). */
  private static double variance(double[] x, int t) {
    double s = 0.25;
    for (int i = 1; i <= t; i++) {
      s += Math.pow(x[i - 1] - mean(x, i), 2);
    }
    return s / (t + 1);
  }

  /**
   * The guarantee itself: over 1000 seeded streams of 1000 rewards with mean 0.2, the share in
   * which the true mean is outside the interval at any time at all stays below alpha. (A failure
   * means the bound is not time-uniform: continuous monitoring would then inflate the error rate.)
   */
  @Test
  void theMeanStaysInsideAtEveryTimeInAtLeastOneMinusAlphaOfStreams() {
    SplittableRandom random = new SplittableRandom(42);
    double alpha = 0.1;
    int escaped = 0;
    int streams = 1000;
    for (int s = 0; s < streams; s++) {
      ConfidenceSequence cs = new ConfidenceSequence(alpha);
      for (int t = 0; t < 1000; t++) {
        cs.add(random.nextDouble() < 0.6 ? 1 : -1); // mean 0.2, the widest spread [−1, 1] allows
        if (cs.lower() > 0.2 || cs.upper() < 0.2) {
          escaped++;
          break;
        }
      }
    }
    assertThat((double) escaped / streams).isLessThan(alpha);
  }

  @Test
  void narrowsAroundASteadyReward() {
    ConfidenceSequence cs = new ConfidenceSequence(0.025);
    assertThat(cs.lower()).isEqualTo(-1);
    assertThat(cs.upper()).isEqualTo(1);
    for (int i = 0; i < 200; i++) {
      cs.add(0.6);
    }
    assertThat(cs.mean()).isCloseTo(0.6, within(1e-12));
    assertThat(cs.lower()).isBetween(0.4, 0.6);
    assertThat(cs.upper()).isBetween(0.6, 0.8);
    assertThat(cs.count()).isEqualTo(200);
  }
}
