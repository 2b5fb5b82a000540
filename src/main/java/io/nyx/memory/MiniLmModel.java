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
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The same all-MiniLM-L6-v2 int8 model, tokenizer and mean pooling as langchain4j's {@link
 * AllMiniLmL6V2QuantizedEmbeddingModel}, in an ONNX Runtime session whose worker threads do not
 * spin. The default session spins its threads while waiting for work; with many requests embedding
 * at once, those spinning threads took the CPU the requests needed (a load test with distinct
 * queries served 147 req/s). Each run uses only its caller's thread. One session per process,
 * shared by every embedder.
 *
 * <p>{@link #encode} runs the session itself so it can keep the token vectors that langchain4j
 * pools away; it also tokenizes once where langchain4j tokenizes three times. The shipped tokenizer
 * cuts every text at 128 tokens (its truncation setting, which langchain4j inherits too), so one
 * run always covers what the model sees; were a tokenizer to allow more than the model's window,
 * such texts would go to langchain4j's encoder, which splits them and averages the windows.
 */
final class MiniLmModel extends AbstractInProcessEmbeddingModel {
  private static final String MODEL = "all-minilm-l6-v2-q.onnx";
  private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

  /** The model's window, special tokens included. */
  static final int MAX_TOKENS = 512;

  private record Runtime(
      OrtEnvironment env,
      OrtSession session,
      String output,
      boolean typeIds,
      HuggingFaceTokenizer tokenizer,
      OnnxBertBiEncoder stock) {}

  /** Loaded on first use (about 0.6 s), then shared. */
  private static final class Shared {
    static final Runtime RUNTIME = load();
  }

  MiniLmModel(Executor executor) {
    super(executor);
  }

  @Override
  protected OnnxBertBiEncoder model() {
    return Shared.RUNTIME.stock();
  }

  /**
   * One run over {@code text}: its unit sentence vector (mean of every position, as the stock
   * encoder pools) and its unit token rows without the special tokens; null when the text needs
   * more than one window.
   */
  static Encoded encode(String text, int dim) {
    Runtime rt = Shared.RUNTIME;
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
      try (OrtSession.Result r = rt.session().run(inputs, Set.of(rt.output()))) {
        FloatBuffer hidden = ((OnnxTensor) r.get(0)).getFloatBuffer();
        return pool(hidden, ids.length, dim, e.getTokens(), e.getSpecialTokenMask());
      }
    } catch (OrtException ex) {
      throw new IllegalStateException("MiniLM run failed", ex);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private static Encoded pool(
      FloatBuffer hidden, int positions, int dim, String[] pieces, long[] special) {
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
        unit(rows, k++ * dim, dim);
      }
    }
    float[] vector = new float[dim];
    for (int d = 0; d < dim; d++) {
      vector[d] = (float) (sum[d] / positions);
    }
    unit(vector, 0, dim);
    return new Encoded(vector, new TokenVectors(rows, kept, dim));
  }

  /** Scales {@code v[from, from + dim)} to length 1 (a zero row stays zero). */
  private static void unit(float[] v, int from, int dim) {
    double s = 0;
    for (int d = from; d < from + dim; d++) {
      s += (double) v[d] * v[d];
    }
    if (s == 0) {
      return;
    }
    float inv = (float) (1 / Math.sqrt(s));
    for (int d = from; d < from + dim; d++) {
      v[d] *= inv;
    }
  }

  private static Runtime load() {
    ClassLoader jar = AllMiniLmL6V2QuantizedEmbeddingModel.class.getClassLoader();
    try (InputStream model = jar.getResourceAsStream(MODEL);
        InputStream tokenizer = jar.getResourceAsStream(TOKENIZER);
        OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      if (model == null || tokenizer == null) {
        throw new IllegalStateException("MiniLM files missing from the classpath");
      }
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      options.addConfigEntry("session.inter_op.allow_spinning", "0");
      // One thread per run: parallelism comes from concurrent callers (requests, or embedAll's
      // pool). Two non-spinning threads cost hand-offs between MiniLM's many small operations
      // (a 128-token text 7.3 vs 6.5 ms; 220 -> 286 req/s with distinct queries when this became
      // one thread). Two spinning threads only for a run that finds no other in progress were
      // tried too: 3.8 ms on a quiet machine, but 10 ms beside one busy process, and through the
      // server p99 overhead rose at 1 client (11.2 -> 14.1 ms) and throughput fell at 8 (210 ->
      // 160 req/s): the spinning worker takes the core the rest of the request needs.
      options.setIntraOpNumThreads(1);
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession session = env.createSession(model.readAllBytes(), options);
      byte[] vocab = tokenizer.readAllBytes();
      HuggingFaceTokenizer ours =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(vocab), Map.of("padding", "false"));
      return new Runtime(
          env,
          session,
          session.getOutputNames().iterator().next(),
          session.getInputNames().contains("token_type_ids"),
          ours,
          new OnnxBertBiEncoder(env, session, new ByteArrayInputStream(vocab), PoolingMode.MEAN));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load MiniLM into ONNX Runtime", e);
    }
  }
}
