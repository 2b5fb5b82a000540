package io.nyx.learning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A reward in [-1,1] with the components it was made of, stored with the row so it can be explained
 * and recomputed when the function changes.
 */
public record Reward(double value, Map<String, Double> components) {
  public Reward {
    if (!(value >= -1 && value <= 1)) {
      throw new IllegalArgumentException("reward must be in [-1,1] but was " + value);
    }
    components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
  }
}
