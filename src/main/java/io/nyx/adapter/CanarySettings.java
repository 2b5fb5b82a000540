package io.nyx.adapter;

import io.nyx.settings.SettingException;

/**
 * How a canary is run and judged ({@link CanaryTest}).
 *
 * @param share the share of the specialist's requests a canary answers unless the operator gives
 *     one, in (0, 1)
 * @param alpha the test's error rate: under continuous monitoring, the chance that a canary no
 *     better and no worse than the active version is promoted or rolled back, in (0, 0.5]
 * @param minSamples answers each side needs before a decision, [1, 1e6]
 * @param maxSamples canary answers after which an undecided canary is rolled back as inconclusive,
 *     [minSamples, 1e7]
 */
public record CanarySettings(double share, double alpha, int minSamples, int maxSamples) {
  public static final double DEFAULT_SHARE = 0.2;
  public static final double DEFAULT_ALPHA = 0.05;
  public static final int DEFAULT_MIN_SAMPLES = 100;
  public static final int DEFAULT_MAX_SAMPLES = 2000;
  public static final CanarySettings DEFAULT =
      new CanarySettings(DEFAULT_SHARE, DEFAULT_ALPHA, DEFAULT_MIN_SAMPLES, DEFAULT_MAX_SAMPLES);

  public CanarySettings {
    requireShare("canary_share", share);
    if (!(alpha > 0 && alpha <= 0.5)) {
      throw new SettingException("canary_alpha", alpha, "in (0, 0.5]");
    }
    if (minSamples < 1 || minSamples > 1_000_000) {
      throw new SettingException("canary_min_samples", minSamples, "in [1, 1000000]");
    }
    if (maxSamples < minSamples || maxSamples > 10_000_000) {
      throw new SettingException(
          "canary_max_samples", maxSamples, "in [canary_min_samples, 10000000]");
    }
  }

  /** A canary's share: strictly between 0 and 1, or the test would have one side only. */
  public static void requireShare(String field, double share) {
    if (!(share > 0 && share < 1)) {
      throw new SettingException(field, share, "in (0, 1)");
    }
  }
}
