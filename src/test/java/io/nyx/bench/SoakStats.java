package io.nyx.bench;

import java.util.Arrays;

/** Figures of a soak's samples: min/median/max and the least-squares trend of a series. */
final class SoakStats {
  private SoakStats() {}

  /** Min, median (mean of the middle two for an even count) and max; NaN for no values. */
  record Spread(double min, double median, double max) {}

  static Spread spread(double[] values) {
    if (values.length == 0) {
      return new Spread(Double.NaN, Double.NaN, Double.NaN);
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    double median = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    return new Spread(v[0], median, v[v.length - 1]);
  }

  /**
   * Slope of the least-squares line through {@code (x[i], y[i])}, in y per unit of x; NaN with
   * fewer than two points or when every x is the same.
   */
  static double slope(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " x but " + y.length + " y");
    }
    int n = x.length;
    if (n < 2) {
      return Double.NaN;
    }
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxx == 0 ? Double.NaN : sxy / sxx;
  }
}
