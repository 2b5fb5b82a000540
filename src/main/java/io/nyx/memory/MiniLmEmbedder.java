package io.nyx.memory;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * all-MiniLM-L6-v2, int8-quantized, 384-d, run in process on the CPU by ONNX Runtime. The model is
 * inside the langchain4j jar, so it needs no network. Loading takes about 0.6 s and unpacks native
 * libraries to {@code java.io.tmpdir}: build one per process and share it.
 *
 * <p>Thread-safe: the ONNX Runtime session and the tokenizer are. {@link #embedAll} and {@link
 * #encodeAll} run the same per-text encoder as {@link #embed}, fanned out over the executor, so a
 * text gets the same vector alone or in a batch. {@link #encode} also returns the token vectors of
 * the same run. The shipped tokenizer cuts a text at 128 tokens (as langchain4j's model does), so
 * only the start of a long text counts.
 */
public final class MiniLmEmbedder implements Embedder {
  public static final String MODEL_ID = "all-minilm-l6-v2-q";
  public static final int DIMENSION = 384;

  private final EmbeddingModel model;
  private final Executor executor;
  private final @Nullable SplitGate gate;

  /**
   * Batches run on a pool of one thread per core (idle threads time out); a lone long text may take
   * both cores ({@link SplitGate}).
   */
  public MiniLmEmbedder() {
    this(DEFAULT_POOL, true);
  }

  /** Batches run on {@code executor}; pass a small pool to cap the CPU a batch may take. */
  public MiniLmEmbedder(Executor executor) {
    this(executor, true);
  }

  /**
   * As above; {@code splitLongTexts} false keeps every run on its caller's thread (for a host whose
   * cores are always shared with other work).
   */
  public MiniLmEmbedder(Executor executor, boolean splitLongTexts) {
    this.model = new MiniLmModel(executor);
    this.executor = executor;
    this.gate = splitLongTexts ? new SplitGate(System::nanoTime) : null;
  }

  /** The default batch pool. */
  public static Executor defaultPool() {
    return DEFAULT_POOL;
  }

  private static final Executor DEFAULT_POOL = newPool();

  private static Executor newPool() {
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
    return encode(text).vector();
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    return encodeAll(texts).stream().map(Encoded::vector).toList();
  }

  @Override
  public Encoded encode(String text) {
    TextSegment segment = segment(text);
    Encoded one = MiniLmModel.encode(text, DIMENSION, gate);
    return one != null ? one : Encoded.pooledOnly(unit(model.embed(segment).content()));
  }

  @Override
  public List<Encoded> encodeAll(List<String> texts) {
    texts.forEach(MiniLmEmbedder::segment); // reject a blank text before any work starts
    List<CompletableFuture<Encoded>> runs =
        texts.stream().map(t -> CompletableFuture.supplyAsync(() -> encode(t), executor)).toList();
    return runs.stream().map(CompletableFuture::join).toList();
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
    VectorMath.normalize(v, 0, v.length);
    return v;
  }
}
