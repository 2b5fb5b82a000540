package io.nyx.config;

import io.nyx.routing.RoutingSettings;
import java.util.Set;

/** Maps the YAML {@code routing:} section to {@link RoutingSettings}. */
final class RoutingConfigs {
  private RoutingConfigs() {}

  static RoutingSettings fromTree(YamlTree t) {
    t.rejectUnknown(
        Set.of(
            "threshold", "prior_strength", "top_k", "centroid_weight", "confidence_temperature"));
    RoutingSettings d = RoutingSettings.DEFAULT;
    return new RoutingSettings(
        t.number("threshold", d.threshold()),
        t.number("prior_strength", d.priorStrength()),
        t.integer("top_k", d.topK()),
        t.number("centroid_weight", d.centroidWeight()),
        t.number("confidence_temperature", d.confidenceTemperature()));
  }
}
