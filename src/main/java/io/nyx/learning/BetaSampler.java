package io.nyx.learning;

import java.util.random.RandomGenerator;

/**
 * Draws from Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). Gamma by Marsaglia and
 * Tsang (2000), "A simple method for generating gamma variables": for shape k &ge; 1, d = k - 1/3,
 * c = 1 / sqrt(9d), accept d·v with v = (1 + c·z)^3 when log u &lt; z²/2 + d - d·v + d·log v; for k
 * &lt; 1, Gamma(k) = Gamma(k + 1) · u^(1/k).
 */
final class BetaSampler {
  private BetaSampler() {}

  static double sample(double a, double b, RandomGenerator rng) {
    double x = gamma(a, rng);
    double y = gamma(b, rng);
    return x + y == 0 ? 0.5 : x / (x + y);
  }

  static double gamma(double k, RandomGenerator rng) {
    if (k < 1) {
      return gamma(k + 1, rng) * Math.pow(rng.nextDouble(), 1 / k);
    }
    double d = k - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = rng.nextGaussian();
      double v = 1 + c * z;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }
}
