package io.nyx.routing;

/**
 * {@link MaxDot} in plain Java, for a JVM started without the Vector API module: blocks of one row,
 * so the layout is row-major, and pair-wise dot products with eight partial sums, so the fused
 * multiply-adds pipeline (a lane-wise scalar loop over the blocked layout was 7× slower).
 */
final class ScalarMaxDot implements MaxDot {

  @Override
  public int lanes() {
    return 1;
  }

  @Override
  public void maxDots(
      float[] packed, int total, int dim, float[][] q, int skipFrom, int skipTo, float[] best) {
    for (int j = 0; j < q.length; j++) {
      float b = -1f;
      for (int t = 0; t < total; t++) {
        if (t < skipFrom || t >= skipTo) {
          b = Math.max(b, dot(q[j], packed, t * dim, dim));
        }
      }
      best[j] = b;
    }
  }

  private static float dot(float[] x, float[] rows, int at, int dim) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int d = 0;
    for (; d + 7 < dim; d += 8) {
      int r = at + d;
      s0 = Math.fma(x[d], rows[r], s0);
      s1 = Math.fma(x[d + 1], rows[r + 1], s1);
      s2 = Math.fma(x[d + 2], rows[r + 2], s2);
      s3 = Math.fma(x[d + 3], rows[r + 3], s3);
      s4 = Math.fma(x[d + 4], rows[r + 4], s4);
      s5 = Math.fma(x[d + 5], rows[r + 5], s5);
      s6 = Math.fma(x[d + 6], rows[r + 6], s6);
      s7 = Math.fma(x[d + 7], rows[r + 7], s7);
    }
    for (; d < dim; d++) {
      s0 = Math.fma(x[d], rows[at + d], s0);
    }
    return (s0 + s1) + (s2 + s3) + (s4 + s5) + (s6 + s7);
  }
}
