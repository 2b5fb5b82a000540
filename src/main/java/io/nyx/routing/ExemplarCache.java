package io.nyx.routing;

import io.nyx.memory.Embedder;
import java.util.List;

/**
 * Where the router gets exemplar vectors: embedded fresh, or remembered across restarts. Queries
 * never go through it (they would grow it without bound).
 */
public interface ExemplarCache {

  /** Same vectors as {@code embedder.embedAll(texts)}, in order. */
  List<float[]> embedAll(Embedder embedder, List<String> texts);

  ExemplarCache NONE = Embedder::embedAll;
}
