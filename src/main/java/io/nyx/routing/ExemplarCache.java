package io.nyx.routing;

import io.nyx.memory.Embedder;
import io.nyx.memory.Encoded;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

  /**
   * Remembers every text it encoded, in memory, by model: for offline replays where learned
   * exemplars are reloaded after each lesson (a server uses the file cache). Unbounded;
   * thread-safe.
   */
  static ExemplarCache inMemory() {
    Map<String, Encoded> seen = new HashMap<>();
    return (embedder, texts) -> {
      String model = embedder.modelId() + '\u0000';
      synchronized (seen) {
        List<String> missing =
            texts.stream().filter(t -> !seen.containsKey(model + t)).distinct().toList();
        if (!missing.isEmpty()) {
          List<Encoded> fresh = embedder.encodeAll(missing);
          for (int i = 0; i < missing.size(); i++) {
            seen.put(model + missing.get(i), fresh.get(i));
          }
        }
        List<Encoded> out = new ArrayList<>(texts.size());
        texts.forEach(t -> out.add(seen.get(model + t)));
        return out;
      }
    };
  }
}
