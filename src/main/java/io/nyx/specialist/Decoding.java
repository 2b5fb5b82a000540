package io.nyx.specialist;

import io.nyx.settings.SettingException;

/**
 * Sampling settings sent explicitly on every call: vLLM otherwise applies the model's
 * generation_config.json defaults (docs/operations.md, "The model server").
 */
public record Decoding(double temperature, double topP, int maxTokens) {
  public static final Decoding DEFAULT = new Decoding(0.7, 0.95, 512);

  public Decoding {
    if (!(temperature >= 0 && temperature <= 2)) {
      throw new SettingException("decoding.temperature", temperature, "in [0,2]");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new SettingException("decoding.top_p", topP, "in (0,1]");
    }
    if (maxTokens < 1 || maxTokens > 131072) {
      throw new SettingException("decoding.max_tokens", maxTokens, "in [1,131072]");
    }
  }
}
