package io.nyx.routing;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MaxDot} on the Vector API: a block of {@code lanes} rows against four query rows at a
 * time, each step one load of the rows, four broadcasts and four fused multiply-adds. Only loaded
 * when the module is present ({@link MaxDot#best()}).
 */
final class PanamaMaxDot implements MaxDot {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  private PanamaMaxDot() {}

  static MaxDot create() {
    return new PanamaMaxDot();
  }

  @Override
  public int lanes() {
    return LANES;
  }

  @Override
  public void maxDots(
      float[] packed, int total, int dim, float[][] q, int skipFrom, int skipTo, float[] best) {
    for (int j = 0; j < q.length; j += 4) {
      // A group of four; a short last group repeats its first row (its results are dropped).
      float[] q0 = q[j];
      float[] q1 = q[Math.min(j + 1, q.length - 1)];
      float[] q2 = q[Math.min(j + 2, q.length - 1)];
      float[] q3 = q[Math.min(j + 3, q.length - 1)];
      FloatVector m0 = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
      FloatVector m1 = m0;
      FloatVector m2 = m0;
      FloatVector m3 = m0;
      for (int block = 0; block * LANES < total; block++) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int at = block * dim * LANES;
        for (int d = 0; d < dim; d++, at += LANES) {
          FloatVector rows = FloatVector.fromArray(SPECIES, packed, at);
          a0 = rows.fma(FloatVector.broadcast(SPECIES, q0[d]), a0);
          a1 = rows.fma(FloatVector.broadcast(SPECIES, q1[d]), a1);
          a2 = rows.fma(FloatVector.broadcast(SPECIES, q2[d]), a2);
          a3 = rows.fma(FloatVector.broadcast(SPECIES, q3[d]), a3);
        }
        int first = block * LANES;
        if (first + LANES <= total && (first + LANES <= skipFrom || first >= skipTo)) {
          m0 = m0.max(a0);
          m1 = m1.max(a1);
          m2 = m2.max(a2);
          m3 = m3.max(a3);
        } else {
          VectorMask<Float> valid = partial(first, total, skipFrom, skipTo);
          m0 = m0.lanewise(VectorOperators.MAX, a0, valid);
          m1 = m1.lanewise(VectorOperators.MAX, a1, valid);
          m2 = m2.lanewise(VectorOperators.MAX, a2, valid);
          m3 = m3.lanewise(VectorOperators.MAX, a3, valid);
        }
      }
      store(best, j, q.length, m0, m1, m2, m3);
    }
  }

  /** Lanes of the block starting at row {@code first} that are real rows outside the skip. */
  private static VectorMask<Float> partial(int first, int total, int skipFrom, int skipTo) {
    long bits = 0;
    for (int lane = 0; lane < LANES; lane++) {
      int t = first + lane;
      if (t < total && (t < skipFrom || t >= skipTo)) {
        bits |= 1L << lane;
      }
    }
    return VectorMask.fromLong(SPECIES, bits);
  }

  private static void store(
      float[] best, int j, int n, FloatVector m0, FloatVector m1, FloatVector m2, FloatVector m3) {
    FloatVector[] group = {m0, m1, m2, m3};
    for (int k = 0; k < 4 && j + k < n; k++) {
      best[j + k] = Math.max(-1f, group[k].reduceLanes(VectorOperators.MAX));
    }
  }
}
