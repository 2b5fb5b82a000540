package io.nyx.memory;

import java.util.List;

/**
 * Turns text into a unit-length vector (L2 norm 1, so dot product = cosine). Thread-safe.
 * Implementations: the in-process MiniLM model (offline, CPU) and an OpenAI-compatible {@code
 * /v1/embeddings} endpoint.
 */
public interface Embedder extends AutoCloseable {

  /** Identifies the model, e.g. "all-minilm-l6-v2-q"; part of embedding cache keys. */
  String modelId();

  int dimension();

  float[] embed(String text);

  /** Same vectors as calling {@link #embed} on each text, in order; may batch for speed. */
  List<float[]> embedAll(List<String> texts);

  /**
   * The vector {@link #embed} gives, with the token vectors of the same run when the model exposes
   * them ({@link TokenVectors#NONE} otherwise).
   */
  default Encoded encode(String text) {
    return Encoded.pooledOnly(embed(text));
  }

  /** {@link #encode} of each text, in order; may run in parallel. */
  default List<Encoded> encodeAll(List<String> texts) {
    return embedAll(texts).stream().map(Encoded::pooledOnly).toList();
  }

  @Override
  default void close() {}
}
