package io.nyx.config;

import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * Context building: the default time zone for Kairos, how many memories/facts to retrieve, the
 * prompt token budget, Eleos's risk screen (threshold, categories file; "" = shipped), and
 * Mnemosyne's recall and Aletheia's grounding settings.
 */
public record ContextConfig(
    String timeZone,
    int memoryTopK,
    int factsTopK,
    int maxPromptTokens,
    double riskThreshold,
    String safetyCategories,
    MemorySettings memory) {
  public static final ContextConfig DEFAULT =
      new ContextConfig("UTC", 5, 5, 8192, 0.35, "", MemorySettings.DEFAULT);

  /** The earlier three-setting form; the rest take their defaults. */
  public ContextConfig(String timeZone, int memoryTopK, int factsTopK) {
    this(timeZone, memoryTopK, factsTopK, 8192, 0.35, "", MemorySettings.DEFAULT);
  }

  public ContextConfig {
    try {
      ZoneId.of(timeZone);
    } catch (DateTimeException | NullPointerException e) {
      throw new ConfigException(
          "context.time_zone", timeZone, "an IANA zone id such as Europe/Berlin");
    }
    if (memoryTopK < 0 || memoryTopK > 100) {
      throw new ConfigException("context.memory_top_k", memoryTopK, "in [0,100]");
    }
    if (factsTopK < 0 || factsTopK > 100) {
      throw new ConfigException("context.facts_top_k", factsTopK, "in [0,100]");
    }
    if (maxPromptTokens < 256 || maxPromptTokens > 10_000_000) {
      throw new ConfigException("context.max_prompt_tokens", maxPromptTokens, "in [256,10000000]");
    }
    if (!(riskThreshold >= 0 && riskThreshold <= 2)) {
      throw new ConfigException("context.risk_threshold", riskThreshold, "in [0,2]");
    }
  }

  public ZoneId zone() {
    return ZoneId.of(timeZone);
  }
}
