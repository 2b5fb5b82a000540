package io.nyx.config;

/**
 * A setting is missing or out of range. The message names the key, the bad value and what is
 * allowed.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public ConfigException(String key, Object value, String allowed) {
    super(key + " must be " + allowed + " but was " + render(value));
    this.key = key;
  }

  public ConfigException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  public String key() {
    return key;
  }

  private static String render(Object value) {
    return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
  }
}
