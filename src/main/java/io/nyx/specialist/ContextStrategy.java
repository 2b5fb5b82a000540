package io.nyx.specialist;

import io.nyx.settings.SettingException;

/**
 * Which context builder runs before a specialist generates (README, "What happens to a request").
 */
public enum ContextStrategy {
  MEMORY,
  FACTS,
  TIME,
  SAFETY,
  FORESIGHT,
  NONE;

  /** Parses the YAML spelling (lower case); names the allowed values on failure. */
  public static ContextStrategy parse(String value) {
    for (ContextStrategy s : values()) {
      if (s.name().equalsIgnoreCase(value)) {
        return s;
      }
    }
    throw new SettingException(
        "context", value, "one of memory, facts, time, safety, foresight, none");
  }
}
