package io.nyx.adapter;

import io.nyx.settings.SettingException;

/**
 * The {@code adapters:} settings.
 *
 * @param maxRank the model server's {@code --max-lora-rank}: a registered adapter's {@code r} may
 *     not exceed it (vLLM does not report it), one of vLLM's allowed ranks
 * @param keepStandby on promotion, keep the superseded version loaded as the standby self-repair
 *     falls back to (one per specialist; older retired versions are unloaded)
 * @param checkIntervalMs how often the deciding replica judges canaries and active versions and
 *     reconciles vLLM with the registry, [100, 3600000]
 * @param refreshIntervalMs how often every replica reloads its routing table from the registry,
 *     [100, 600000]
 */
public record AdapterSettings(
    CanarySettings canary,
    RepairSettings repair,
    int maxRank,
    boolean keepStandby,
    int checkIntervalMs,
    int refreshIntervalMs) {
  /** vLLM's {@code MaxLoRARanks}. */
  public static final java.util.List<Integer> VLLM_RANKS =
      java.util.List.of(1, 8, 16, 32, 64, 128, 256, 320, 512);

  /** vLLM's default {@code --max-lora-rank}. */
  public static final int DEFAULT_MAX_RANK = 16;

  public static final boolean DEFAULT_KEEP_STANDBY = true;
  public static final int DEFAULT_CHECK_INTERVAL_MS = 5_000;
  public static final int DEFAULT_REFRESH_INTERVAL_MS = 2_000;
  public static final AdapterSettings DEFAULT =
      new AdapterSettings(
          CanarySettings.DEFAULT,
          RepairSettings.DEFAULT,
          DEFAULT_MAX_RANK,
          DEFAULT_KEEP_STANDBY,
          DEFAULT_CHECK_INTERVAL_MS,
          DEFAULT_REFRESH_INTERVAL_MS);

  public AdapterSettings {
    if (!VLLM_RANKS.contains(maxRank)) {
      throw new SettingException("max_rank", maxRank, "one of vLLM's ranks " + VLLM_RANKS);
    }
    if (checkIntervalMs < 100 || checkIntervalMs > 3_600_000) {
      throw new SettingException("check_interval_ms", checkIntervalMs, "in [100, 3600000]");
    }
    if (refreshIntervalMs < 100 || refreshIntervalMs > 600_000) {
      throw new SettingException("refresh_interval_ms", refreshIntervalMs, "in [100, 600000]");
    }
  }
}
