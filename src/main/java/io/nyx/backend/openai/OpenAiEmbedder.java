package io.nyx.backend.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.backend.BackendException;
import io.nyx.backend.BackendSettings;
import io.nyx.memory.Embedder;
import io.nyx.memory.TextsRejectedException;
import io.nyx.memory.VectorMath;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * {@link Embedder} over an OpenAI-compatible {@code POST /embeddings} (a vLLM instance running a
 * pooling model; a generative vLLM does not serve embeddings). Vectors are L2-normalised here
 * because servers differ on whether they normalise. The dimension is given, or learnt from the
 * first response (asking {@link #dimension()} first costs one probe request). Vectors are asked for
 * as base64 (little-endian float32, what OpenAI and vLLM send) unless {@code float} is configured:
 * parsing 384 decimal numbers per text was a sixth of Nyx's CPU per request. Either form is read
 * back, whatever was asked, so a server that ignores {@code encoding_format} still works.
 * Thread-safe.
 */
public final class OpenAiEmbedder implements Embedder {
  /** Inputs per request: keeps one request well under typical server batch and body limits. */
  public static final int BATCH_SIZE = 64;

  /** Statuses that may blame the request's texts rather than the server or the request's shape. */
  private static final Set<Integer> REJECTS_TEXTS = Set.of(400, 413, 422);

  private final HttpTransport http;
  private final String model;
  private final String encodingFormat;
  private final AtomicInteger dimension; // 0 until known

  public OpenAiEmbedder(BackendSettings settings, String model) {
    this(settings, model, 0, "base64");
  }

  /**
   * {@code dimension} 0 means: learn it from the first response; {@code encodingFormat} is {@code
   * base64} or {@code float}.
   */
  public OpenAiEmbedder(
      BackendSettings settings, String model, int dimension, String encodingFormat) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("embedding model must be a non-blank name");
    }
    if (dimension < 0) {
      throw new IllegalArgumentException("embedding dimension must be >= 0 but was " + dimension);
    }
    if (!"base64".equals(encodingFormat) && !"float".equals(encodingFormat)) {
      throw new IllegalArgumentException(
          "encoding format must be base64 or float but was " + encodingFormat);
    }
    this.http = new HttpTransport(settings);
    this.model = model;
    this.encodingFormat = encodingFormat;
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
    if (encodingFormat.equals("base64")) {
      body.put("encoding_format", "base64"); // float is the default; some servers lack the field
    }
    texts.forEach(body.putArray("input")::add);
    HttpRequest post = http.post("/embeddings", body, null, false);
    String url = post.uri().toString();
    try {
      return vectors(url, WireJson.tryParse(http.exchange(post, model)), texts.size());
    } catch (BackendException e) {
      String message =
          "embedding " + texts.size() + " text(s) with " + model + " failed: " + e.getMessage();
      if (e instanceof BackendException.Rejected r && blamesTheTexts(r)) {
        throw new TextsRejectedException(message, e);
      }
      throw new EmbeddingException(message, e);
    }
  }

  /** {@code data[].{index, embedding}}, put back in input order. */
  private List<float[]> vectors(String url, @Nullable JsonNode json, int expected) {
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
    float[] v = values.isTextual() ? decodeBase64(url, values.asText()) : floats(values);
    if (v.length == 0) {
      throw new EmbeddingException(
          url + " returned an embedding that is neither a float array nor base64 float32");
    }
    checkDimension(url, v.length);
    double sumSquares = VectorMath.sumOfSquares(v, 0, v.length);
    if (!(sumSquares > 0) || Double.isInfinite(sumSquares)) {
      throw new EmbeddingException(url + " returned a zero or non-finite embedding");
    }
    VectorMath.normalize(v, 0, v.length);
    return v;
  }

  /**
   * A text too long for the model (vLLM's and OpenAI's "maximum context length" message) or an
   * error about the input itself; not a 400 about the model (a generative vLLM instance) or another
   * field, which every text would get alike.
   */
  static boolean blamesTheTexts(BackendException.Rejected r) {
    return REJECTS_TEXTS.contains(r.status())
        && (r.status() == 413
            || r.param().contains("input")
            || r.getMessage().contains("maximum context length"));
  }

  private static float[] floats(JsonNode values) {
    if (!values.isArray()) {
      return new float[0];
    }
    float[] v = new float[values.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) values.get(i).asDouble();
    }
    return v;
  }

  /** Base64 of little-endian float32s (OpenAI's and vLLM's {@code encoding_format: base64}). */
  static float[] decodeBase64(String url, String text) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new EmbeddingException(url + " returned an embedding that is not valid base64", e);
    }
    if (raw.length % Float.BYTES != 0) {
      throw new EmbeddingException(
          url + " returned a base64 embedding of " + raw.length + " bytes, not whole float32s");
    }
    float[] v = new float[raw.length / Float.BYTES];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
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
