package io.nyx.routing;

import io.nyx.memory.Embedder;
import io.nyx.memory.Encoded;
import java.util.List;

/**
 * Where the router gets exemplar vectors: embedded fresh, or remembered across restarts. Queries
 * never go through it (they would grow it without bound).
 */
public interface ExemplarCache {

  /** Same as {@code embedder.encodeAll(texts)} (sentence and token vectors), in order. */
  List<Encoded> encodeAll(Embedder embedder, List<String> texts);

  /** The sentence vectors alone. */
  default List<float[]> embedAll(Embedder embedder, List<String> texts) {
    return encodeAll(embedder, texts).stream().map(Encoded::vector).toList();
  }

  ExemplarCache NONE = Embedder::encodeAll;
}
