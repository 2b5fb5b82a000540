package io.nyx.memory;

import java.util.random.RandomGenerator;

/** Seeded, clustered unit vectors: closer to sentence embeddings than uniform noise. */
final class Vectors {
  private Vectors() {}

  static float[][] clustered(RandomGenerator rng, int n, int dim, int clusters) {
    float[][] centres = new float[clusters][];
    for (int c = 0; c < clusters; c++) {
      centres[c] = gaussian(rng, dim, 1.0, null);
    }
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = unit(gaussian(rng, dim, 0.6, centres[rng.nextInt(clusters)]));
    }
    return out;
  }

  private static float[] gaussian(RandomGenerator rng, int dim, double sd, float[] around) {
    float[] v = new float[dim];
    for (int d = 0; d < dim; d++) {
      v[d] = (float) (sd * rng.nextGaussian()) + (around == null ? 0 : around[d]);
    }
    return v;
  }

  static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int d = 0; d < v.length; d++) {
      v[d] *= inv;
    }
    return v;
  }
}
