package io.nyx.learning;

import java.time.Duration;

/**
 * How evidence becomes a trait weight (see {@link TraitPosterior} for the formulas). Shared by
 * every replica through the database ({@link TraitWeightStore#configure}).
 *
 * @param priorStrength pseudo-observations the prior weight is worth (n0 &gt; 0)
 * @param halfLife time after which evidence counts half; {@link Duration#ZERO} keeps it forever
 * @param maxStep largest change of a weight in one update (the anti-flapping guard), in (0,1]
 * @param hysteresis the weight moves only when the posterior mean is at least this far from it
 * @param pin how long learning leaves an operator-set weight alone
 */
public record LearningSettings(
    double priorStrength, Duration halfLife, double maxStep, double hysteresis, Duration pin) {
  public static final LearningSettings DEFAULT =
      new LearningSettings(10, Duration.ofMinutes(5), 0.05, 0.005, Duration.ofHours(24));

  public LearningSettings {
    if (!(priorStrength > 0 && priorStrength <= 1e6)) {
      throw new IllegalArgumentException(
          "priorStrength must be in (0,1e6] but was " + priorStrength);
    }
    if (halfLife.isNegative() || pin.isNegative()) {
      throw new IllegalArgumentException("halfLife and pin must be >= 0: " + halfLife + ", " + pin);
    }
    if (!(maxStep > 0 && maxStep <= 1)) {
      throw new IllegalArgumentException("maxStep must be in (0,1] but was " + maxStep);
    }
    if (!(hysteresis >= 0 && hysteresis < 1)) {
      throw new IllegalArgumentException("hysteresis must be in [0,1) but was " + hysteresis);
    }
  }

  /** Half-life in seconds, 0 when evidence never fades. */
  public double halfLifeSeconds() {
    return halfLife.toNanos() / 1e9;
  }
}
