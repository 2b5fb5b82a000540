package io.nyx.routing;

/**
 * The inner loop of token matching: for each query row, its largest dot product with any of a
 * specialist's token rows. Rows are stored in blocks of {@link #lanes()} rows, dimension-major
 * ({@code packed[(block·dim + d)·lanes + lane]}), so one vector load carries dimension d of {@code
 * lanes} rows and the sums accumulate lane-wise: no horizontal reduction per row pair, one load of
 * the rows per four query rows. (Pair-wise dot products spent most of their time in those
 * reductions and in loading both operands.)
 */
sealed interface MaxDot permits PanamaMaxDot, ScalarMaxDot {

  /** Rows per block. */
  int lanes();

  /**
   * {@code best[j] = max(-1, max_t dot(q[j], row_t))} over rows {@code t} in {@code [0, total)}
   * except {@code [skipFrom, skipTo)}.
   */
  void maxDots(
      float[] packed, int total, int dim, float[][] q, int skipFrom, int skipTo, float[] best);

  /** {@code rows} (each of length {@code dim}) in this kernel's layout; padding rows are zero. */
  default float[] pack(float[][] rows, int dim) {
    int lanes = lanes();
    int blocks = (rows.length + lanes - 1) / lanes;
    float[] packed = new float[blocks * dim * lanes];
    for (int t = 0; t < rows.length; t++) {
      int base = (t / lanes) * dim * lanes + t % lanes;
      for (int d = 0; d < dim; d++) {
        packed[base + d * lanes] = rows[t][d];
      }
    }
    return packed;
  }

  /**
   * The Vector API kernel when {@code jdk.incubator.vector} is in the boot layer (the launcher and
   * the benchmarks add it), else the scalar one over the same layout.
   */
  static MaxDot best() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
        ? PanamaMaxDot.create()
        : new ScalarMaxDot();
  }
}
