package io.nyx.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic embeddings: the normalised sum of one pseudo-random vector per lower-cased word,
 * each seeded by the word's {@code String.hashCode()}. Texts sharing words therefore have a
 * positive cosine, and the same text always gives the same vector.
 */
final class FakeVllmEmbeddings {
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  private FakeVllmEmbeddings() {}

  static float[] vector(String text, int dimension) {
    double[] sum = new double[dimension];
    Matcher words = WORD.matcher(text.toLowerCase(Locale.ROOT));
    boolean any = false;
    while (words.find()) {
      add(sum, words.group().hashCode());
      any = true;
    }
    if (!any) {
      add(sum, text.hashCode()); // no words: still a unit vector, never zero
    }
    return normalise(sum);
  }

  /** With {@code base64}, each vector is base64 of its little-endian float32s, as vLLM sends. */
  static ObjectNode response(
      String model, List<String> inputs, int dimension, long created, boolean base64) {
    ObjectNode root = FakeVllmHttp.JSON.createObjectNode();
    root.put("id", "embd-" + Integer.toHexString(inputs.hashCode()));
    root.put("object", "list").put("created", created).put("model", model);
    ArrayNode data = root.putArray("data");
    int tokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      ObjectNode item = data.addObject().put("index", i).put("object", "embedding");
      float[] vector = vector(inputs.get(i), dimension);
      if (base64) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES);
        bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(vector);
        item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
      } else {
        ArrayNode values = item.putArray("embedding");
        for (float v : vector) {
          values.add(v);
        }
      }
      tokens += FakeVllmChat.words(inputs.get(i));
    }
    root.putObject("usage")
        .put("prompt_tokens", tokens)
        .put("total_tokens", tokens)
        .put("completion_tokens", 0)
        .putNull("prompt_tokens_details");
    return root;
  }

  private static void add(double[] sum, int seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < sum.length; i++) {
      sum[i] += random.nextDouble(-1, 1);
    }
  }

  private static float[] normalise(double[] v) {
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }
}
