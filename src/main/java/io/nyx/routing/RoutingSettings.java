package io.nyx.routing;

import io.nyx.config.ConfigException;

/**
 * Knobs of {@link SemanticRouter}; YAML keys are {@code routing.<snake_case name>}. The defaults
 * were chosen on {@code src/test/resources/routing/default-labeled.jsonl} (150 in-scope, 60
 * out-of-scope queries) with the shipped specialists: k in 1..5 and centroid weight 0.6..0.9 all
 * land within two queries of each other, pure top-k (weight 0) is 2 to 7 points worse, and k = 3,
 * weight 0.75 sits inside that plateau. MiniLM cosines are low for short paraphrases, so the
 * threshold is low too: at 0.25 the router wrongly abstains on 4.7% of in-scope queries and
 * abstains on 92% of out-of-scope ones; 0.28 abstains on 11% of in-scope ones for only 93%, and
 * 0.22 drops out-of-scope recall to 83%. See SemanticRouter for the formula each knob enters.
 *
 * @param threshold abstain when the best final score is below this ({@code routing.threshold})
 * @param priorStrength exponent of the trait-weight prior; 0 ignores trait weights, but a weight of
 *     0 still never wins ({@code routing.prior_strength})
 * @param topK how many of a specialist's nearest exemplars are averaged ({@code routing.top_k})
 * @param centroidWeight share of the centroid cosine in the similarity, the rest being the top-k
 *     mean ({@code routing.centroid_weight})
 * @param confidenceTemperature softmax temperature, in score units, that turns scores into a
 *     confidence ({@code routing.confidence_temperature})
 */
public record RoutingSettings(
    double threshold,
    double priorStrength,
    int topK,
    double centroidWeight,
    double confidenceTemperature) {

  public static final double DEFAULT_THRESHOLD = 0.25;
  public static final double DEFAULT_PRIOR_STRENGTH = 0.5;
  public static final int DEFAULT_TOP_K = 3;
  public static final double DEFAULT_CENTROID_WEIGHT = 0.75;
  public static final double DEFAULT_CONFIDENCE_TEMPERATURE = 0.05;

  public static final RoutingSettings DEFAULT =
      new RoutingSettings(
          DEFAULT_THRESHOLD,
          DEFAULT_PRIOR_STRENGTH,
          DEFAULT_TOP_K,
          DEFAULT_CENTROID_WEIGHT,
          DEFAULT_CONFIDENCE_TEMPERATURE);

  public RoutingSettings {
    // Written as !(in range) so NaN is rejected too.
    if (!(threshold > 0 && threshold < 1)) {
      throw new ConfigException("routing.threshold", threshold, "in (0,1)");
    }
    if (!(priorStrength >= 0 && priorStrength <= 4)) {
      throw new ConfigException("routing.prior_strength", priorStrength, "in [0,4]");
    }
    if (topK < 1 || topK > 100) {
      throw new ConfigException("routing.top_k", topK, "in [1,100]");
    }
    if (!(centroidWeight >= 0 && centroidWeight <= 1)) {
      throw new ConfigException("routing.centroid_weight", centroidWeight, "in [0,1]");
    }
    if (!(confidenceTemperature > 0 && confidenceTemperature <= 1)) {
      throw new ConfigException(
          "routing.confidence_temperature", confidenceTemperature, "in (0,1]");
    }
  }

  public RoutingSettings withThreshold(double value) {
    return new RoutingSettings(value, priorStrength, topK, centroidWeight, confidenceTemperature);
  }

  public RoutingSettings withPriorStrength(double value) {
    return new RoutingSettings(threshold, value, topK, centroidWeight, confidenceTemperature);
  }

  public RoutingSettings withTopK(int value) {
    return new RoutingSettings(
        threshold, priorStrength, value, centroidWeight, confidenceTemperature);
  }

  public RoutingSettings withCentroidWeight(double value) {
    return new RoutingSettings(threshold, priorStrength, topK, value, confidenceTemperature);
  }
}
