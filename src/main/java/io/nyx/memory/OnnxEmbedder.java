package io.nyx.memory;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LocalModel} (all-MiniLM-L6-v2 or bge-small-en-v1.5, int8, 384-d) run in process on the
 * CPU by ONNX Runtime. The model is inside a langchain4j jar, so it needs no network. Loading takes
 * about a second and unpacks native libraries to {@code java.io.tmpdir}: build one per process and
 * share it.
 *
 * <p>Thread-safe: the ONNX Runtime session and the tokenizer are. {@link #embedAll} and {@link
 * #encodeAll} run the same per-text encoder as {@link #embed}, fanned out over the executor, so a
 * text gets the same vector alone or in a batch. {@link #encode} also returns the token vectors of
 * the same run. MiniLM's shipped tokenizer cuts a text at 128 tokens (as langchain4j's model does),
 * so only the start of a long text counts; BGE's does not cut, and a text over its 512-token window
 * is split and averaged as langchain4j does.
 */
public final class OnnxEmbedder implements Embedder {
  private final LocalModel spec;
  private final EmbeddingModel model;
  private final Executor executor;
  private final @Nullable SplitGate gate;

  /**
   * Batches run on a pool of one thread per core (idle threads time out); a lone long text may take
   * both cores ({@link SplitGate}).
   */
  public OnnxEmbedder(LocalModel spec) {
    this(spec, DEFAULT_POOL, true);
  }

  /**
   * As above; {@code splitLongTexts} false keeps every run on its caller's thread (for a host whose
   * cores are always shared with other work).
   */
  public OnnxEmbedder(LocalModel spec, Executor executor, boolean splitLongTexts) {
    this.spec = spec;
    this.model = new OnnxModel(spec, executor);
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
    return spec.id();
  }

  @Override
  public int dimension() {
    return spec.dimension();
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
    Encoded one = OnnxModel.encode(spec, text, gate);
    return one != null ? one : Encoded.pooledOnly(unit(model.embed(segment).content()));
  }

  @Override
  public List<Encoded> encodeAll(List<String> texts) {
    texts.forEach(OnnxEmbedder::segment); // reject a blank text before any work starts
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
