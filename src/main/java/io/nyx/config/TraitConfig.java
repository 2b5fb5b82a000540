package io.nyx.config;

/**
 * Trait weight learning. Every weight stays in [min, max]. After each answer the specialist's
 * weight moves by {@code rewardRate * reward}; after human feedback by {@code feedbackRate *
 * rating}. Rates are small so one answer cannot swing routing.
 */
public record TraitConfig(double min, double max, double rewardRate, double feedbackRate) {
  public static final TraitConfig DEFAULT = new TraitConfig(0.05, 1.0, 0.01, 0.05);

  public TraitConfig {
    if (!(min >= 0 && min < 1)) {
      throw new ConfigException("traits.min", min, "in [0,1)");
    }
    if (!(max > min && max <= 1)) {
      throw new ConfigException("traits.max", max, "in (traits.min, 1]");
    }
    if (!(rewardRate >= 0 && rewardRate <= 0.5)) {
      throw new ConfigException("traits.reward_rate", rewardRate, "in [0,0.5]");
    }
    if (!(feedbackRate >= 0 && feedbackRate <= 0.5)) {
      throw new ConfigException("traits.feedback_rate", feedbackRate, "in [0,0.5]");
    }
  }
}
