package io.nyx.learning;

/**
 * Evidence about a specialist: {@code successes} out of {@code trials} (pseudo-)observations, with
 * {@code 0 <= successes <= trials}. Fractional values are allowed: a reward r in [-1,1] is a
 * success of degree {@code (r + 1) / 2}, and one answer may count for less than one observation.
 * Evidence adds up, which is what lets a batch of answers be written as one sum.
 */
public record TraitEvidence(double successes, double trials) {
  public static final TraitEvidence NONE = new TraitEvidence(0, 0);

  public TraitEvidence {
    if (!(Double.isFinite(trials) && trials >= 0)) {
      throw new IllegalArgumentException("trials must be finite and >= 0 but was " + trials);
    }
    if (!(successes >= 0 && successes <= trials + 1e-12)) {
      throw new IllegalArgumentException(
          "successes must be in [0, trials = " + trials + "] but was " + successes);
    }
  }

  /** A reward in [-1,1] counted as {@code weight} observations of success {@code (r + 1) / 2}. */
  public static TraitEvidence ofReward(double reward, double weight) {
    if (!(reward >= -1 && reward <= 1)) {
      throw new IllegalArgumentException("reward must be in [-1,1] but was " + reward);
    }
    return new TraitEvidence(weight * (reward + 1) / 2, weight);
  }

  public TraitEvidence plus(TraitEvidence other) {
    return new TraitEvidence(successes + other.successes, trials + other.trials);
  }

  public double failures() {
    return trials - successes;
  }
}
