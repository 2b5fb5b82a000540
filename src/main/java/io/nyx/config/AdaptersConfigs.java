package io.nyx.config;

import io.nyx.adapter.AdapterSettings;
import io.nyx.adapter.CanarySettings;
import io.nyx.adapter.RepairSettings;
import java.util.List;

/** Maps the YAML {@code adapters:} section to {@link AdapterSettings}. */
final class AdaptersConfigs {
  private AdaptersConfigs() {}

  static final List<String> KEYS =
      List.of(
          "canary_share",
          "canary_alpha",
          "canary_min_samples",
          "canary_max_samples",
          "repair_window",
          "repair_min_history",
          "repair_reward_drop",
          "repair_max_error_rate",
          "max_rank",
          "keep_standby",
          "check_interval_ms",
          "refresh_interval_ms");

  static AdapterSettings fromTree(YamlTree t) {
    t.rejectUnknown(KEYS);
    return ConfigException.under("adapters.", () -> settings(t));
  }

  private static AdapterSettings settings(YamlTree t) {
    CanarySettings c = CanarySettings.DEFAULT;
    RepairSettings r = RepairSettings.DEFAULT;
    AdapterSettings d = AdapterSettings.DEFAULT;
    return new AdapterSettings(
        new CanarySettings(
            t.number("canary_share", c.share()),
            t.number("canary_alpha", c.alpha()),
            t.integer("canary_min_samples", c.minSamples()),
            t.integer("canary_max_samples", c.maxSamples())),
        new RepairSettings(
            t.integer("repair_window", r.window()),
            t.integer("repair_min_history", r.minHistory()),
            t.number("repair_reward_drop", r.rewardDrop()),
            t.number("repair_max_error_rate", r.maxErrorRate())),
        t.integer("max_rank", d.maxRank()),
        t.bool("keep_standby", d.keepStandby()),
        t.integer("check_interval_ms", d.checkIntervalMs()),
        t.integer("refresh_interval_ms", d.refreshIntervalMs()));
  }
}
