package io.nyx.backend.openai;

/**
 * An embeddings call failed. Unchecked because {@link io.nyx.memory.Embedder} has no checked
 * exceptions; the cause is the {@link io.nyx.backend.BackendException} when the server was at
 * fault.
 */
public final class EmbeddingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EmbeddingException(String message, Throwable cause) {
    super(message, cause);
  }

  public EmbeddingException(String message) {
    super(message);
  }
}
