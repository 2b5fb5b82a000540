package io.nyx.config;

import java.time.DateTimeException;
import java.time.ZoneId;

/** Context building: the default time zone for Kairos and how many memories/facts to retrieve. */
public record ContextConfig(String timeZone, int memoryTopK, int factsTopK, MemorySettings memory) {
  public static final ContextConfig DEFAULT =
      new ContextConfig("UTC", 5, 5, MemorySettings.DEFAULT);

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
  }

  public ZoneId zone() {
    return ZoneId.of(timeZone);
  }
}
