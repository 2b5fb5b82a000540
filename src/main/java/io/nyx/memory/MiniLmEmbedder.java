package io.nyx.memory;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * all-MiniLM-L6-v2 int8 in process: {@link OnnxEmbedder} of {@link LocalModel#MINILM}, kept under
 * its own name for the many callers (tests, benches) that want exactly this model.
 */
public final class MiniLmEmbedder implements Embedder {
  public static final String MODEL_ID = LocalModel.MINILM.id();
  public static final int DIMENSION = LocalModel.MINILM.dimension();

  private final OnnxEmbedder inner;

  public MiniLmEmbedder() {
    this(OnnxEmbedder.defaultPool(), true);
  }

  /** Batches run on {@code executor}; pass a small pool to cap the CPU a batch may take. */
  public MiniLmEmbedder(Executor executor) {
    this(executor, true);
  }

  /** As {@link OnnxEmbedder#OnnxEmbedder(LocalModel, Executor, boolean)}. */
  public MiniLmEmbedder(Executor executor, boolean splitLongTexts) {
    this.inner = new OnnxEmbedder(LocalModel.MINILM, executor, splitLongTexts);
  }

  /** The default batch pool. */
  public static Executor defaultPool() {
    return OnnxEmbedder.defaultPool();
  }

  @Override
  public String modelId() {
    return MODEL_ID;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public float[] embed(String text) {
    return inner.embed(text);
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    return inner.embedAll(texts);
  }

  @Override
  public Encoded encode(String text) {
    return inner.encode(text);
  }

  @Override
  public List<Encoded> encodeAll(List<String> texts) {
    return inner.encodeAll(texts);
  }
}
