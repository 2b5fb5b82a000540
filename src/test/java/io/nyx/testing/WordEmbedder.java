package io.nyx.testing;

import io.nyx.memory.Embedder;
import java.util.List;
import java.util.Locale;

/**
 * Bag of words hashed into 64 dimensions, unit length: texts with the same words have cosine 1,
 * texts sharing no word about 0. Deterministic, no model; for routing tests that need predictable
 * similarities. No token vectors, so routers use the top-k/centroid blend.
 */
public final class WordEmbedder implements Embedder {
  private static final int DIM = 64;

  @Override
  public String modelId() {
    return "words-64";
  }

  @Override
  public int dimension() {
    return DIM;
  }

  @Override
  public float[] embed(String text) {
    float[] v = new float[DIM];
    for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (!w.isEmpty()) {
        v[Math.floorMod(w.hashCode(), DIM)] += 1;
      }
    }
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    if (norm == 0) {
      v[0] = 1;
      return v;
    }
    for (int i = 0; i < DIM; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    return texts.stream().map(this::embed).toList();
  }
}
