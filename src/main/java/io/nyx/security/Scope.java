package io.nyx.security;

import io.nyx.settings.SettingException;

/** What a key may do. {@code admin} implies the others. */
public enum Scope {
  INFER,
  FEEDBACK,
  ADMIN;

  public static Scope parse(String key, String value) {
    for (Scope s : values()) {
      if (s.name().equalsIgnoreCase(value.strip())) {
        return s;
      }
    }
    throw new SettingException(key, value, "one of infer, feedback, admin");
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code scopes} as they are written in configuration and flags: "feedback,infer". */
  public static String labels(java.util.Collection<Scope> scopes) {
    return String.join(",", scopes.stream().map(Scope::label).sorted().toList());
  }
}
