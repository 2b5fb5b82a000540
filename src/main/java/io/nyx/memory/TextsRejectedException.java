package io.nyx.memory;

import org.jspecify.annotations.Nullable;

/**
 * An embedder refused the texts it was given (for a server: a 400, 413 or 422, such as a text
 * longer than the model takes), as opposed to failing for every text (down, timed out, 5xx). When
 * texts travelled together, the same texts sent apart may mostly go through.
 */
public final class TextsRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TextsRejectedException(@Nullable String message, Throwable cause) {
    super(message, cause);
  }
}
