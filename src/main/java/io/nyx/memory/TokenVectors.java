package io.nyx.memory;

import java.util.List;

/**
 * A text's contextual token vectors from the same model run that gives its sentence vector: one
 * unit-length row per word piece, special tokens ([CLS], [SEP]) left out, with the pieces
 * themselves (so a router can weigh rare pieces above common ones). {@link #NONE} when the embedder
 * cannot expose them (a remote embeddings endpoint returns only the pooled vector).
 *
 * @param rows {@code pieces.size() × dim} floats, row-major
 */
public record TokenVectors(float[] rows, List<String> pieces, int dim) {
  public static final TokenVectors NONE = new TokenVectors(new float[0], List.of(), 0);

  public TokenVectors {
    pieces = List.copyOf(pieces);
    if (rows.length != pieces.size() * dim) {
      throw new IllegalArgumentException(
          rows.length + " floats for " + pieces.size() + " pieces of dimension " + dim);
    }
  }

  public int count() {
    return pieces.size();
  }

  public boolean isEmpty() {
    return pieces.isEmpty();
  }
}
