package io.nyx.memory;

/**
 * The vector arithmetic every part of Nyx shares (routing, clustering, the risk screen, the exact
 * index, the embedders), over float arrays that may hold many vectors row after row ({@code off} is
 * where one starts, {@code dim} its length). Each function fixes its order of operations, so a
 * result is the same bit for bit on every run. The SIMD kernels of routing ({@code MaxDot}) are the
 * one deliberate exception: they are checked against these.
 */
public final class VectorMath {
  private VectorMath() {}

  /** Dot product, float products summed in double: the precise one, for scoring and clustering. */
  public static double dot(float[] a, int offA, float[] b, int offB, int dim) {
    double s = 0;
    for (int d = 0; d < dim; d++) {
      s += a[offA + d] * b[offB + d];
    }
    return s;
  }

  /** {@link #dot(float[], int, float[], int, int)} of two whole vectors of one length. */
  public static double dot(float[] a, float[] b) {
    return dot(a, 0, b, 0, a.length);
  }

  /**
   * Dot product in float with four partial sums: they break the add dependency chain (about twice
   * as fast as one sum) in a fixed order, so the result is still exact from run to run. For the
   * router's hot loops over every centroid and anchor.
   */
  public static float fastDot(float[] a, int offA, float[] b, int offB, int dim) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int d = 0;
    for (; d + 3 < dim; d += 4) {
      s0 += a[offA + d] * b[offB + d];
      s1 += a[offA + d + 1] * b[offB + d + 1];
      s2 += a[offA + d + 2] * b[offB + d + 2];
      s3 += a[offA + d + 3] * b[offB + d + 3];
    }
    for (; d < dim; d++) {
      s0 += a[offA + d] * b[offB + d];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** The squared length, in double (a float sum of 384 squares loses the last digits). */
  public static double sumOfSquares(float[] v, int off, int dim) {
    double s = 0;
    for (int d = off; d < off + dim; d++) {
      s += (double) v[d] * v[d];
    }
    return s;
  }

  /**
   * Scales {@code v[off, off + dim)} to length 1 and returns true; a zero vector stays zero and
   * returns false.
   */
  public static boolean normalize(float[] v, int off, int dim) {
    double s = sumOfSquares(v, off, dim);
    if (s == 0) {
      return false;
    }
    float inv = (float) (1 / Math.sqrt(s));
    for (int d = off; d < off + dim; d++) {
      v[d] *= inv;
    }
    return true;
  }
}
