package io.nyx.backend.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.backend.BackendException;
import io.nyx.backend.BackendSettings;
import io.nyx.memory.Embedder;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Embedder} over an OpenAI-compatible {@code POST /embeddings} (a vLLM instance running a
 * pooling model, vllm-protocol.md 5). Vectors are L2-normalised here because servers differ on
 * whether they normalise. The dimension is given, or learnt from the first response (asking {@link
 * #dimension()} first costs one probe request). Thread-safe.
 */
public final class OpenAiEmbedder implements Embedder {
  /** Inputs per request: keeps one request well under typical server batch and body limits. */
  static final int BATCH_SIZE = 64;

  private final HttpTransport http;
  private final String model;
  private final AtomicInteger dimension; // 0 until known

  public OpenAiEmbedder(BackendSettings settings, String model) {
    this(settings, model, 0);
  }

  /** {@code dimension} 0 means: learn it from the first response. */
  public OpenAiEmbedder(BackendSettings settings, String model, int dimension) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("embedding model must be a non-blank name");
    }
    if (dimension < 0) {
      throw new IllegalArgumentException("embedding dimension must be >= 0 but was " + dimension);
    }
    this.http = new HttpTransport(settings);
    this.model = model;
    this.dimension = new AtomicInteger(dimension);
  }

  @Override
  public String modelId() {
    return model;
  }

  @Override
  public int dimension() {
    if (dimension.get() == 0) {
      embed("dimension probe");
    }
    return dimension.get();
  }

  @Override
  public float[] embed(String text) {
    return embedAll(List.of(text)).get(0);
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    List<float[]> out = new ArrayList<>(texts.size());
    for (int from = 0; from < texts.size(); from += BATCH_SIZE) {
      out.addAll(batch(texts.subList(from, Math.min(texts.size(), from + BATCH_SIZE))));
    }
    return out;
  }

  private List<float[]> batch(List<String> texts) {
    ObjectNode body = WireJson.object().put("model", model);
    texts.forEach(body.putArray("input")::add);
    HttpRequest post = http.post("/embeddings", body, null, false);
    String url = post.uri().toString();
    try {
      return vectors(url, WireJson.tryParse(http.exchange(post, model)), texts.size());
    } catch (BackendException e) {
      throw new EmbeddingException(
          "embedding " + texts.size() + " text(s) with " + model + " failed: " + e.getMessage(), e);
    }
  }

  /** {@code data[].{index, embedding}}, put back in input order. */
  private List<float[]> vectors(String url, JsonNode json, int expected) {
    JsonNode data = json == null ? null : json.path("data");
    if (data == null || data.size() != expected) {
      throw new EmbeddingException(
          url
              + " returned "
              + (data == null ? "no JSON" : data.size() + " embeddings")
              + " for "
              + expected
              + " inputs");
    }
    float[][] ordered = new float[expected][];
    for (JsonNode item : data) {
      int index = item.path("index").asInt(-1);
      if (index < 0 || index >= expected || ordered[index] != null) {
        throw new EmbeddingException(url + " returned a bad embedding index " + item.path("index"));
      }
      ordered[index] = unit(url, item.path("embedding"));
    }
    return List.of(ordered);
  }

  private float[] unit(String url, JsonNode values) {
    int n = values.size();
    if (!values.isArray() || n == 0) {
      throw new EmbeddingException(
          url + " returned an embedding that is not a float array (encoding_format must be float)");
    }
    checkDimension(url, n);
    float[] v = new float[n];
    double sumSquares = 0;
    for (int i = 0; i < n; i++) {
      v[i] = (float) values.get(i).asDouble();
      sumSquares += (double) v[i] * v[i];
    }
    if (!(sumSquares > 0) || Double.isInfinite(sumSquares)) {
      throw new EmbeddingException(url + " returned a zero or non-finite embedding");
    }
    float inverseNorm = (float) (1 / Math.sqrt(sumSquares));
    for (int i = 0; i < n; i++) {
      v[i] *= inverseNorm;
    }
    return v;
  }

  private void checkDimension(String url, int n) {
    int known = dimension.get();
    if (known == 0 && dimension.compareAndSet(0, n)) {
      return;
    }
    if (dimension.get() != n) {
      throw new EmbeddingException(
          url + " returned a " + n + "-d embedding for " + model + ", expected " + dimension.get());
    }
  }
}
