package io.nyx.export;

import java.util.Objects;

/**
 * One message of an exported chat: {@code role} as the chat template knows it ({@code system},
 * {@code user}, {@code assistant}) and its text.
 */
public record Turn(String role, String content) {
  public Turn {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  public static Turn assistant(String content) {
    return new Turn("assistant", content);
  }

  boolean isSystem() {
    return role.equals("system");
  }
}
