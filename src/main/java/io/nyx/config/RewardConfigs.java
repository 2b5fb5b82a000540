package io.nyx.config;

import io.nyx.learning.RewardWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads reward weights ({@code rewards}, or a specialist's {@code reward}) and checks them. */
final class RewardConfigs {
  private RewardConfigs() {}

  /** The keys set in {@code t}, each checked against its range. */
  static Map<String, Double> overrides(YamlTree t) {
    t.rejectUnknown(RewardWeights.RANGES.keySet());
    Map<String, Double> set = new LinkedHashMap<>();
    RewardWeights.RANGES.forEach(
        (key, range) -> {
          if (t.has(key)) {
            double v = t.number(key, Double.NaN);
            if (!range.contains(v)) {
              throw new ConfigException(
                  t.key(key), v, "in [" + range.min() + ", " + range.max() + "]");
            }
            set.put(key, v);
          }
        });
    return Map.copyOf(set);
  }
}
