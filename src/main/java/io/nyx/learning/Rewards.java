package io.nyx.learning;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The reward function of each specialist: its own weights, or the shared ones. Immutable. */
public final class Rewards {
  public static final Rewards DEFAULT = new Rewards(RewardWeights.DEFAULT, Map.of());

  private final RewardFunction shared;
  private final Map<String, RewardFunction> bySpecialist = new HashMap<>();

  /**
   * @param overrides per specialist, the keys it sets differently from {@code shared}
   */
  public Rewards(RewardWeights shared, Map<String, Map<String, Double>> overrides) {
    this.shared = new RewardFunction(shared);
    overrides.forEach(
        (name, o) -> {
          if (!o.isEmpty()) {
            bySpecialist.put(name, new RewardFunction(shared.with(o)));
          }
        });
  }

  /** The function for {@code specialist}; the shared one for the base model (null). */
  public RewardFunction of(@Nullable String specialist) {
    return specialist == null ? shared : bySpecialist.getOrDefault(specialist, shared);
  }
}
