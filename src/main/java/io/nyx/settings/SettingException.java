package io.nyx.settings;

import org.jspecify.annotations.Nullable;

/**
 * A domain setting refused a value. The message names the field as its record knows it (e.g. {@code
 * threshold}), the bad value and what is allowed. Whoever builds the record from the configuration
 * knows where it sits and adds the key path ({@code routing.threshold}): {@code
 * config.ConfigLoader} for the YAML file, {@code app} and {@code cli} for settings they build.
 */
public final class SettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public SettingException(String field, @Nullable Object value, String allowed) {
    super(field + " must be " + allowed + " but was " + render(value));
    this.field = field;
  }

  /** The field as the record names it, without the path of the record itself. */
  public String field() {
    return field;
  }

  private static String render(@Nullable Object value) {
    return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
  }
}
