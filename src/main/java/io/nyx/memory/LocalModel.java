package io.nyx.memory;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The sentence encoders that run in process ({@code embedding.provider: local}, {@code
 * embedding.model}): each an int8 ONNX model and its tokenizer shipped inside a langchain4j jar, so
 * none needs the network. They differ in how a sentence vector is pooled from the token states:
 * MiniLM averages every position (as it was trained), BGE takes the [CLS] state. Both are 384-d
 * BERT-vocabulary encoders, so their token vectors feed the same token matching. docs/routing.md
 * has their accuracy and latency on every labeled set.
 *
 * @param id what {@link Embedder#modelId()} reports and caches are keyed by
 * @param jarAnchor a class of the jar that holds the files (its class loader finds them)
 */
public record LocalModel(
    String id,
    int dimension,
    String onnxFile,
    String tokenizerFile,
    Class<?> jarAnchor,
    Pooling pooling) {

  /** How the sentence vector is made from the last hidden states. */
  public enum Pooling {
    /** Mean over every position, special tokens included (sentence-transformers' MiniLM). */
    MEAN,
    /** The first position, [CLS] (BGE). */
    CLS
  }

  public static final LocalModel MINILM =
      new LocalModel(
          "all-minilm-l6-v2-q",
          384,
          "all-minilm-l6-v2-q.onnx",
          "all-minilm-l6-v2-q-tokenizer.json",
          AllMiniLmL6V2QuantizedEmbeddingModel.class,
          Pooling.MEAN);

  public static final LocalModel BGE_SMALL =
      new LocalModel(
          "bge-small-en-v1.5-q",
          384,
          "bge-small-en-v1.5-q.onnx",
          "bge-small-en-v1.5-q-tokenizer.json",
          BgeSmallEnV15QuantizedEmbeddingModel.class,
          Pooling.CLS);

  public static final List<LocalModel> ALL = List.of(MINILM, BGE_SMALL);

  public static Optional<LocalModel> byId(String id) {
    return ALL.stream().filter(m -> m.id().equals(id)).findFirst();
  }

  /** The ids, for error messages. */
  public static String ids() {
    return String.join(
        ", ", Arrays.asList(ALL.stream().map(LocalModel::id).toArray(String[]::new)));
  }
}
