package io.nyx.memory;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * all-MiniLM-L6-v2, int8-quantized, 384-d, run in process on the CPU by ONNX Runtime. The model is
 * inside the langchain4j jar, so it needs no network. Loading takes about 0.6 s and unpacks native
 * libraries to {@code java.io.tmpdir}: build one per process and share it.
 *
 * <p>Thread-safe: the ONNX Runtime session and the tokenizer are. {@link #embedAll} runs the same
 * per-text encoder as {@link #embed}, fanned out over the executor, so a text gets the same vector
 * alone or in a batch. Texts longer than the model's 510-token window are split by langchain4j and
 * their window vectors averaged.
 */
public final class MiniLmEmbedder implements Embedder {
  public static final String MODEL_ID = "all-minilm-l6-v2-q";
  public static final int DIMENSION = 384;

  private final EmbeddingModel model;

  /** Batches run on a pool of one thread per core (idle threads time out). */
  public MiniLmEmbedder() {
    this(DEFAULT_POOL);
  }

  /** Batches run on {@code executor}; pass a small pool to cap the CPU a batch may take. */
  public MiniLmEmbedder(Executor executor) {
    this.model = new MiniLmModel(executor);
  }

  private static final Executor DEFAULT_POOL = defaultPool();

  private static Executor defaultPool() {
    int cores = Runtime.getRuntime().availableProcessors();
    java.util.concurrent.ThreadPoolExecutor pool =
        new java.util.concurrent.ThreadPoolExecutor(
            cores,
            cores,
            1,
            java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "nyx-embed");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  @Override
  public String modelId() {
    return MODEL_ID;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  /**
   * @throws IllegalArgumentException if {@code text} is blank: the model has no meaningful vector
   *     for it, and callers (the router) decide what blank input means
   */
  @Override
  public float[] embed(String text) {
    return unit(model.embed(segment(text)).content());
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    if (texts.isEmpty()) {
      return List.of();
    }
    List<TextSegment> segments = texts.stream().map(MiniLmEmbedder::segment).toList();
    return model.embedAll(segments).content().stream().map(MiniLmEmbedder::unit).toList();
  }

  private static TextSegment segment(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("cannot embed blank text");
    }
    return TextSegment.from(text);
  }

  /** Renormalises in float: the model already normalises, but the contract promises norm 1. */
  private static float[] unit(Embedding embedding) {
    float[] v = embedding.vector().clone();
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float inv = (float) (1.0 / Math.sqrt(sum));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }
}
