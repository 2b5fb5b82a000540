package io.nyx.memory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers the vectors of the most recent texts, so one request's query is embedded once even when
 * routing and Mnemosyne's recall both need it: {@link #encode} (the router) also fills the plain
 * vector cache that {@link #embed} (recall, the risk screen) reads. Bounded (LRU); vectors are
 * shared, callers must not modify them. Thread-safe.
 */
public final class CachingEmbedder implements Embedder {
  private final Embedder inner;
  private final Map<String, float[]> recent;
  private final Map<String, Encoded> encoded;

  public CachingEmbedder(Embedder inner, int capacity) {
    this.inner = inner;
    this.recent = lru(capacity);
    this.encoded = lru(capacity);
  }

  private static <V> Map<String, V> lru(int capacity) {
    return new LinkedHashMap<>(capacity, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  @Override
  public String modelId() {
    return inner.modelId();
  }

  @Override
  public int dimension() {
    return inner.dimension();
  }

  @Override
  public float[] embed(String text) {
    synchronized (recent) {
      float[] v = recent.get(text);
      if (v != null) {
        return v;
      }
    }
    float[] v = inner.embed(text);
    synchronized (recent) {
      recent.put(text, v);
    }
    return v;
  }

  @Override
  public Encoded encode(String text) {
    synchronized (encoded) {
      Encoded e = encoded.get(text);
      if (e != null) {
        return e;
      }
    }
    Encoded e = inner.encode(text);
    synchronized (encoded) {
      encoded.put(text, e);
    }
    synchronized (recent) {
      recent.put(text, e.vector());
    }
    return e;
  }

  /** Batches go straight to the inner embedder (they are exemplars and bulk loads, not queries). */
  @Override
  public List<float[]> embedAll(List<String> texts) {
    return new ArrayList<>(inner.embedAll(texts));
  }

  @Override
  public List<Encoded> encodeAll(List<String> texts) {
    return inner.encodeAll(texts);
  }

  @Override
  public void close() {
    inner.close();
  }
}
