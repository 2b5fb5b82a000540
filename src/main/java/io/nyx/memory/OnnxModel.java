package io.nyx.memory;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * One of the {@link LocalModel}s — the same ONNX file, tokenizer and pooling as langchain4j's own
 * in-process model for it — in an ONNX Runtime session whose worker threads do not spin. The
 * default session spins its threads while waiting for work; with many requests embedding at once,
 * those spinning threads took the CPU the requests needed (a load test with distinct queries served
 * 147 req/s). A run uses only its caller's thread, except a lone long run that {@link SplitGate}
 * lets take both cores (a second session of two threads that spin only while the run lasts). Both
 * sessions of a model are loaded once per process and shared by every embedder of that model.
 *
 * <p>{@link #encode} runs the session itself so it can keep the token vectors that langchain4j
 * pools away; it also tokenizes once where langchain4j tokenizes three times. The shipped tokenizer
 * cuts every text at 128 tokens (its truncation setting, which langchain4j inherits too), so one
 * run always covers what the model sees; were a tokenizer to allow more than the model's window,
 * such texts would go to langchain4j's encoder, which splits them and averages the windows.
 */
final class OnnxModel extends AbstractInProcessEmbeddingModel {
  /**
   * BERT's [CLS], [SEP] and "the" in the uncased vocabulary both shipped models use, for warming a
   * session up.
   */
  private static final long CLS = 101;

  private static final long SEP = 102;
  private static final long WARM_PIECE = 1996;

  /** The model's window, special tokens included. */
  static final int MAX_TOKENS = 512;

  private record Loaded(
      LocalModel model,
      OrtEnvironment env,
      OrtSession session,
      @Nullable OrtSession split,
      String output,
      boolean typeIds,
      HuggingFaceTokenizer tokenizer,
      OnnxBertBiEncoder stock) {}

  /** Each model loaded on first use (about 0.6 s for MiniLM, 1 s for BGE), then shared. */
  private static final Map<LocalModel, Loaded> RUNTIMES = new ConcurrentHashMap<>();

  private final LocalModel spec;

  OnnxModel(LocalModel spec, Executor executor) {
    super(executor);
    this.spec = spec;
  }

  @Override
  protected OnnxBertBiEncoder model() {
    return runtime(spec).stock();
  }

  private static Loaded runtime(LocalModel model) {
    return RUNTIMES.computeIfAbsent(model, OnnxModel::load);
  }

  /**
   * One run over {@code text}: its unit sentence vector (mean of every position, as the stock
   * encoder pools) and its unit token rows without the special tokens; null when the text needs
   * more than one window.
   */
  static @Nullable Encoded encode(LocalModel model, String text, @Nullable SplitGate gate) {
    return encode(model, text, gate, false);
  }

  /** As {@link #encode(LocalModel, String, SplitGate)} on one thread or (for tests) on two. */
  static @Nullable Encoded encode(LocalModel model, String text, boolean twoThreads) {
    return encode(model, text, null, twoThreads);
  }

  /** Gated when {@code gate} is given; otherwise on two threads only when {@code twoThreads}. */
  private static @Nullable Encoded encode(
      LocalModel model, String text, @Nullable SplitGate gate, boolean twoThreads) {
    Loaded rt = runtime(model);
    int dim = model.dimension();
    Encoding e = rt.tokenizer().encode(text, true, false);
    long[] ids = e.getIds();
    if (ids.length >= MAX_TOKENS) {
      return null;
    }
    long[] shape = {1, ids.length};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(rt.env(), LongBuffer.wrap(ids), shape));
      inputs.put(
          "attention_mask",
          OnnxTensor.createTensor(rt.env(), LongBuffer.wrap(e.getAttentionMask()), shape));
      if (rt.typeIds()) {
        inputs.put(
            "token_type_ids",
            OnnxTensor.createTensor(rt.env(), LongBuffer.wrap(e.getTypeIds()), shape));
      }
      OrtSession split = rt.split();
      if (gate == null || split == null) {
        OrtSession s = twoThreads && split != null ? split : rt.session();
        return run(rt, s, inputs, dim, e);
      }
      return gated(rt, split, gate, inputs, dim, e);
    } catch (OrtException ex) {
      throw new IllegalStateException(model.id() + " run failed", ex);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** On both cores when {@code gate} allows it, else on one; the gate learns how it went. */
  private static Encoded gated(
      Loaded rt,
      OrtSession split,
      SplitGate gate,
      Map<String, OnnxTensor> inputs,
      int dim,
      Encoding e)
      throws OrtException {
    SplitGate.Ticket t = gate.begin(e.getIds().length);
    boolean ok = false;
    try {
      Encoded out = run(rt, t.split() ? split : rt.session(), inputs, dim, e);
      ok = true;
      return out;
    } finally {
      gate.end(t, ok);
    }
  }

  private static Encoded run(
      Loaded rt, OrtSession session, Map<String, OnnxTensor> inputs, int dim, Encoding e)
      throws OrtException {
    try (OrtSession.Result r = session.run(inputs, Set.of(rt.output()))) {
      FloatBuffer hidden = ((OnnxTensor) r.get(0)).getFloatBuffer();
      return pool(
          rt.model().pooling(),
          hidden,
          e.getIds().length,
          dim,
          e.getTokens(),
          e.getSpecialTokenMask());
    }
  }

  /**
   * The sentence vector by the model's pooling (mean of every position, or the [CLS] one) and the
   * unit token rows of the non-special positions.
   */
  private static Encoded pool(
      LocalModel.Pooling pooling,
      FloatBuffer hidden,
      int positions,
      int dim,
      String[] pieces,
      long[] special) {
    float[] all = new float[positions * dim];
    hidden.get(all);
    double[] sum = new double[dim];
    List<String> kept = new ArrayList<>();
    for (int p = 0; p < positions; p++) {
      for (int d = 0; d < dim; d++) {
        sum[d] += all[p * dim + d];
      }
      if (special[p] == 0) {
        kept.add(pieces[p]);
      }
    }
    float[] rows = new float[kept.size() * dim];
    for (int p = 0, k = 0; p < positions; p++) {
      if (special[p] == 0) {
        System.arraycopy(all, p * dim, rows, k * dim, dim);
        VectorMath.normalize(rows, k++ * dim, dim);
      }
    }
    float[] vector = new float[dim];
    for (int d = 0; d < dim; d++) {
      vector[d] = pooling == LocalModel.Pooling.CLS ? all[d] : (float) (sum[d] / positions);
    }
    VectorMath.normalize(vector, 0, dim);
    return new Encoded(vector, new TokenVectors(rows, kept, dim));
  }

  private static Loaded load(LocalModel spec) {
    ClassLoader jar = spec.jarAnchor().getClassLoader();
    try (InputStream model = jar.getResourceAsStream(spec.onnxFile());
        InputStream tokenizer = jar.getResourceAsStream(spec.tokenizerFile())) {
      if (model == null || tokenizer == null) {
        throw new IllegalStateException(spec.id() + " files missing from the classpath");
      }
      byte[] weights = model.readAllBytes();
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession session = session(env, weights, 1);
      OrtSession split = null;
      boolean typeIds;
      try {
        split = Runtime.getRuntime().availableProcessors() > 1 ? session(env, weights, 2) : null;
        typeIds = session.getInputNames().contains("token_type_ids");
        warm(env, session, typeIds);
        if (split != null) {
          warm(env, split, typeIds);
        }
      } catch (OrtException | RuntimeException e) {
        session.close();
        if (split != null) {
          split.close();
        }
        throw e;
      }
      byte[] vocab = tokenizer.readAllBytes();
      HuggingFaceTokenizer ours =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(vocab), Map.of("padding", "false"));
      PoolingMode pooling =
          spec.pooling() == LocalModel.Pooling.CLS ? PoolingMode.CLS : PoolingMode.MEAN;
      return new Loaded(
          spec,
          env,
          session,
          split,
          session.getOutputNames().iterator().next(),
          typeIds,
          ours,
          new OnnxBertBiEncoder(env, session, new ByteArrayInputStream(vocab), pooling));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load " + spec.id() + " into ONNX Runtime", e);
    }
  }

  /**
   * A few runs over a window of 128 tokens, so that ONNX Runtime's lazy set-up (its thread pool,
   * buffers sized for a long input) is done before the first real text rather than during it (a
   * cold run took 1.5–2 times as long); about 40 ms at start.
   */
  private static void warm(OrtEnvironment env, OrtSession session, boolean typeIds)
      throws OrtException {
    int n = 128;
    long[] ids = new long[n];
    Arrays.fill(ids, WARM_PIECE);
    ids[0] = CLS;
    ids[n - 1] = SEP;
    long[] ones = new long[n];
    Arrays.fill(ones, 1);
    long[] shape = {1, n};
    for (int i = 0; i < 3; i++) {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      try {
        inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
        inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape));
        if (typeIds) {
          inputs.put(
              "token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape));
        }
        session.run(inputs).close();
      } finally {
        inputs.values().forEach(OnnxTensor::close);
      }
    }
  }

  /**
   * One thread per run: parallelism comes from concurrent callers (requests, or embedAll's pool),
   * and the single-thread session's workers never spin (a spinning pool took the CPU concurrent
   * requests needed: 147 req/s with distinct queries). Two threads only for the lone long runs
   * {@link SplitGate} lets through: they spin while the run lasts (two non-spinning threads hand
   * off between MiniLM's many small operations: 5.7 against 3.9 ms for 128 tokens) and stop when it
   * ends ({@code force_spinning_stop}; without it the idle worker kept spinning and took the core
   * the rest of the request needed: through the server p99 overhead rose 11.2 -> 14.1 ms at one
   * client and throughput fell 210 -> 160 req/s at eight).
   */
  private static OrtSession session(OrtEnvironment env, byte[] weights, int threads)
      throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      String spin = threads > 1 ? "1" : "0";
      options.addConfigEntry("session.intra_op.allow_spinning", spin);
      options.addConfigEntry("session.inter_op.allow_spinning", "0");
      options.addConfigEntry("session.force_spinning_stop", "1");
      options.setIntraOpNumThreads(threads);
      return env.createSession(weights, options);
    }
  }
}
