package io.nyx.config;

import io.nyx.routing.RoutingMode;
import io.nyx.routing.RoutingSettings;
import java.util.List;

/** Maps the YAML {@code routing:} section to {@link RoutingSettings}. */
final class RoutingConfigs {
  static final List<String> KEYS =
      List.of(
          "threshold",
          "abstain_quantile",
          "prior_strength",
          "top_k",
          "centroid_weight",
          "token_weight",
          "confidence_temperature",
          "mode",
          "master_margin",
          "master_band",
          "master_weight",
          "master_url",
          "master_model",
          "master_timeout_ms",
          "pinned",
          "disabled");

  private RoutingConfigs() {}

  static RoutingSettings fromTree(YamlTree t) {
    t.rejectUnknown(KEYS);
    RoutingSettings d = RoutingSettings.DEFAULT;
    return ConfigException.under("routing.", () -> settings(t, d));
  }

  private static RoutingSettings settings(YamlTree t, RoutingSettings d) {
    return new RoutingSettings(
        threshold(t),
        t.number("prior_strength", d.priorStrength()),
        t.integer("top_k", d.topK()),
        t.number("centroid_weight", d.centroidWeight()),
        tokenWeight(t),
        t.number("confidence_temperature", d.confidenceTemperature()),
        t.number("abstain_quantile", d.abstainQuantile()),
        mode(t),
        t.number("master_margin", d.masterMargin()),
        t.number("master_band", d.masterBand()),
        t.number("master_weight", d.masterWeight()),
        new RoutingSettings.MasterSettings(
            t.string("master_url", ""),
            t.string("master_model", ""),
            t.integer("master_timeout_ms", RoutingSettings.MasterSettings.DEFAULT_TIMEOUT_MS)),
        t.string("pinned", ""),
        t.strings("disabled"));
  }

  /** A number in [0,1], or "auto" (the default) for the embedding model's own weight. */
  private static double tokenWeight(YamlTree t) {
    if (!t.has("token_weight") || "auto".equals(t.string("token_weight"))) {
      return RoutingSettings.AUTO_TOKEN_WEIGHT;
    }
    return t.number("token_weight", RoutingSettings.AUTO_TOKEN_WEIGHT);
  }

  /** A number, or "auto" (the default) for the calibrated threshold. */
  private static double threshold(YamlTree t) {
    if (!t.has("threshold") || "auto".equals(t.string("threshold"))) {
      return RoutingSettings.AUTO_THRESHOLD;
    }
    double v = t.number("threshold", RoutingSettings.AUTO_THRESHOLD);
    if (v == RoutingSettings.AUTO_THRESHOLD) {
      throw new ConfigException("routing.threshold", v, "auto or in (0,1)");
    }
    return v;
  }

  private static RoutingMode mode(YamlTree t) {
    String raw = t.string("mode", RoutingSettings.DEFAULT_MODE.key());
    RoutingMode m = RoutingMode.parse(raw);
    if (m == null) {
      throw new ConfigException(t.key("mode"), raw, "semantic, master or hybrid");
    }
    return m;
  }
}
