package io.nyx.memory;

/** A text's sentence vector (unit length) and its token vectors, from one model run. */
public record Encoded(float[] vector, TokenVectors tokens) {

  /** A sentence vector alone, from an embedder without token vectors. */
  public static Encoded pooledOnly(float[] vector) {
    return new Encoded(vector, TokenVectors.NONE);
  }
}
