package io.nyx.memory;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;

/**
 * The same all-MiniLM-L6-v2 int8 model, tokenizer and mean pooling as langchain4j's {@link
 * AllMiniLmL6V2QuantizedEmbeddingModel}, in an ONNX Runtime session whose worker threads do not
 * spin. The default session spins its threads while waiting for work; with many requests embedding
 * at once, those spinning threads took the CPU the requests needed (a load test with distinct
 * queries served 147 req/s). One session per process, shared by every embedder.
 */
final class MiniLmModel extends AbstractInProcessEmbeddingModel {
  private static final String MODEL = "all-minilm-l6-v2-q.onnx";
  private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

  /** Loaded on first use (about 0.6 s), then shared. */
  private static final class Shared {
    static final OnnxBertBiEncoder ENCODER = load();
  }

  MiniLmModel(Executor executor) {
    super(executor);
  }

  @Override
  protected OnnxBertBiEncoder model() {
    return Shared.ENCODER;
  }

  private static OnnxBertBiEncoder load() {
    ClassLoader jar = AllMiniLmL6V2QuantizedEmbeddingModel.class.getClassLoader();
    try (InputStream model = jar.getResourceAsStream(MODEL);
        InputStream tokenizer = jar.getResourceAsStream(TOKENIZER);
        OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      if (model == null || tokenizer == null) {
        throw new IllegalStateException("MiniLM files missing from the classpath");
      }
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      options.addConfigEntry("session.inter_op.allow_spinning", "0");
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession session = env.createSession(model.readAllBytes(), options);
      return new OnnxBertBiEncoder(env, session, tokenizer, PoolingMode.MEAN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load MiniLM into ONNX Runtime", e);
    }
  }
}
