package io.nyx.memory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers the most recent texts' encodings, so one request's query is run through the model once
 * although the risk screen, the router and Mnemosyne's recall all need it, in whatever order they
 * ask: a miss, by {@link #embed} or {@link #encode}, runs the inner {@link Embedder#encode} (the
 * same single run for MiniLM) and keeps both. Sentence vectors are kept for {@code capacity} texts,
 * token vectors for at most {@link #ENCODED} (they are up to 126 × 384 floats each, and only the
 * router reads them, right after the screen). Bounded (LRU); vectors are shared, callers must not
 * modify them. Thread-safe.
 */
public final class CachingEmbedder implements Embedder {
  /** Most texts whose token vectors are kept (≤ 24 MB). */
  static final int ENCODED = 128;

  private final Embedder inner;
  private final Map<String, float[]> recent;
  private final Map<String, Encoded> encoded;

  public CachingEmbedder(Embedder inner, int capacity) {
    this.inner = inner;
    this.recent = lru(capacity);
    this.encoded = lru(Math.min(capacity, ENCODED));
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
    return miss(text).vector();
  }

  @Override
  public Encoded encode(String text) {
    synchronized (encoded) {
      Encoded e = encoded.get(text);
      if (e != null) {
        return e;
      }
    }
    return miss(text);
  }

  private Encoded miss(String text) {
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
