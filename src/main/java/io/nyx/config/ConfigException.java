package io.nyx.config;

import io.nyx.settings.SettingException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A setting is missing or out of range. The message names the key, the bad value and what is
 * allowed.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public ConfigException(String key, @Nullable Object value, String allowed) {
    super(key + " must be " + allowed + " but was " + render(value));
    this.key = key;
  }

  public ConfigException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  /**
   * A domain setting's refusal with its key path: {@code prefix} is where the record sits ({@code
   * "routing."}), so {@code threshold} becomes {@code routing.threshold}.
   */
  public ConfigException(String prefix, SettingException e) {
    super(prefix + e.getMessage(), e);
    this.key = prefix + e.field();
  }

  /** Builds a domain setting that sits at {@code prefix}, naming its full key if it refuses. */
  public static <T> T under(String prefix, Supplier<T> build) {
    try {
      return build.get();
    } catch (SettingException e) {
      throw new ConfigException(prefix, e);
    }
  }

  public String key() {
    return key;
  }

  private static String render(@Nullable Object value) {
    return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
  }
}
