package io.nyx.memory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the most recent texts' encodings, so one request's query is run through the model once
 * although the risk screen, the router and Mnemosyne's recall all need it, in whatever order they
 * ask: a miss, by {@link #embed} or {@link #encode}, runs the inner {@link Embedder#encode} (the
 * same single run for MiniLM) and keeps both. Sentence vectors are kept for {@code capacity} texts,
 * token vectors for at most {@link #ENCODED} (they are up to 126 × 384 floats each, and only the
 * router reads them, right after the screen). Callers missing the same text at the same time share
 * one run. Bounded (LRU); vectors are shared, callers must not modify them. Thread-safe.
 */
public final class CachingEmbedder implements Embedder {
  /** Most texts whose token vectors are kept (≤ 24 MB). */
  static final int ENCODED = 128;

  private final Embedder inner;
  private final Map<String, float[]> recent;
  private final Map<String, Encoded> encoded;
  private final ConcurrentHashMap<String, CompletableFuture<Encoded>> inFlight =
      new ConcurrentHashMap<>();

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

  /**
   * Runs the model once per text however many callers miss it at the same time: a question screened
   * on one thread while another recalls memories for it waits for the run already under way.
   */
  private Encoded miss(String text) {
    CompletableFuture<Encoded> mine = new CompletableFuture<>();
    CompletableFuture<Encoded> running = inFlight.putIfAbsent(text, mine);
    if (running != null) {
      return await(running);
    }
    try {
      Encoded e = inner.encode(text);
      synchronized (encoded) {
        encoded.put(text, e);
      }
      synchronized (recent) {
        recent.put(text, e.vector());
      }
      mine.complete(e);
      return e;
    } catch (RuntimeException | Error failure) {
      mine.completeExceptionally(failure);
      throw failure;
    } finally {
      inFlight.remove(text, mine);
    }
  }

  /** The other caller's run; its failure is rethrown as this caller's own. */
  private static Encoded await(CompletableFuture<Encoded> running) {
    try {
      return running.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof TextsRejectedException) {
        throw new TextsRejectedException(cause.getMessage(), cause);
      }
      throw new EmbeddingFailedException(cause.getMessage(), cause);
    }
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
