package io.nyx.context;

import io.nyx.memory.BruteForceIndex;
import io.nyx.memory.Embedder;
import io.nyx.memory.VectorIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mnemosyne: recalls the memories closest to the query. The index is built from the store on first
 * use and kept current by {@link #remember}; the store stays the source of truth.
 */
public final class MemoryContext implements ContextBuilder {
  private final MemoryStore store;
  private final Embedder embedder;
  private final int topK;
  private final Map<Long, String> texts = new ConcurrentHashMap<>();
  private volatile VectorIndex index;

  public MemoryContext(MemoryStore store, Embedder embedder, int topK) {
    this.store = store;
    this.embedder = embedder;
    this.topK = topK;
  }

  @Override
  public List<ContextItem> build(ContextRequest request) {
    VectorIndex idx = index();
    if (topK == 0 || idx.size() == 0) {
      return List.of();
    }
    float[] q =
        request.queryEmbedding() != null
            ? request.queryEmbedding()
            : embedder.embed(request.query());
    List<ContextItem> items = new ArrayList<>();
    for (VectorIndex.Hit hit : idx.search(q, topK)) {
      items.add(
          new ContextItem.MemoryItem(hit.id(), texts.getOrDefault(hit.id(), ""), hit.score()));
    }
    return items;
  }

  /** Stores a memory and makes it searchable at once. */
  public Memory remember(
      String text,
      Map<String, Object> metadata,
      String source,
      @org.jspecify.annotations.Nullable String sessionId) {
    Memory m = store.add(text, embedder.embed(text), metadata, source, sessionId);
    index().add(m.id(), m.embedding());
    texts.put(m.id(), m.text());
    return m;
  }

  private VectorIndex index() {
    VectorIndex idx = index;
    if (idx == null) {
      synchronized (this) {
        if (index == null) {
          index = load();
        }
        idx = index;
      }
    }
    return idx;
  }

  private VectorIndex load() {
    VectorIndex idx = new BruteForceIndex(embedder.dimension());
    for (Memory m : store.all()) {
      idx.add(m.id(), m.embedding());
      texts.put(m.id(), m.text());
    }
    return idx;
  }
}
