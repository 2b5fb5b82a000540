package io.nyx.memory;

import org.jspecify.annotations.Nullable;

/**
 * Embedding a text failed for a reason that is not the text's (the embedder is down, timed out or
 * answered wrongly); the cause is the embedder's own exception.
 */
public final class EmbeddingFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EmbeddingFailedException(@Nullable String message, Throwable cause) {
    super(message, cause);
  }
}
