package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both token-matching kernels against a slow reference (pair-wise dot products in double) over row
 * counts around the block size, every size of query group and skipped ranges at the start, in the
 * middle, at the end and over everything.
 */
class MaxDotTest {
  static final int DIM = 384;

  @Test
  void theVectorKernelRunsHere() {
    // Surefire adds the module, as the launcher does: the fast path is the one tested.
    assertThat(MaxDot.best()).isInstanceOf(PanamaMaxDot.class);
  }

  @Test
  void kernelsMatchTheReference() {
    Random random = new Random(7);
    for (MaxDot kernel : List.of(MaxDot.best(), new ScalarMaxDot())) {
      int lanes = kernel.lanes();
      for (int total : new int[] {1, 2, lanes - 1, lanes, lanes + 1, 3 * lanes + 5, 37}) {
        if (total < 1) {
          continue;
        }
        float[][] rows = unitRows(random, total);
        float[] packed = kernel.pack(rows, DIM);
        for (int m = 1; m <= 9; m++) {
          float[][] q = unitRows(random, m);
          int[][] skips = {
            {0, 0}, {0, 1}, {total / 3, total / 2 + 1}, {total - 1, total}, {0, total}
          };
          for (int[] skip : skips) {
            float[] best = new float[m];
            kernel.maxDots(packed, total, DIM, q, skip[0], skip[1], best);
            for (int j = 0; j < m; j++) {
              assertThat(best[j])
                  .as("%s total=%d m=%d skip=%d..%d j=%d", kernel, total, m, skip[0], skip[1], j)
                  .isCloseTo((float) reference(q[j], rows, skip[0], skip[1]), within(1e-5f));
            }
          }
        }
      }
    }
  }

  @Test
  void rowsMoreAlikeThanMinusOneAreFoundEvenWhenAllDotsAreNegative() {
    float[][] rows = new float[3][DIM];
    float[][] q = new float[1][DIM];
    q[0][0] = 1;
    rows[0][0] = -0.5f;
    rows[1][0] = -0.25f; // the best
    rows[2][0] = -0.75f;
    for (MaxDot kernel : List.of(MaxDot.best(), new ScalarMaxDot())) {
      float[] best = new float[1];
      kernel.maxDots(kernel.pack(rows, DIM), 3, DIM, q, 0, 0, best);
      assertThat(best[0]).as("%s", kernel).isEqualTo(-0.25f);
    }
  }

  private static double reference(float[] q, float[][] rows, int skipFrom, int skipTo) {
    double best = -1;
    for (int t = 0; t < rows.length; t++) {
      if (t >= skipFrom && t < skipTo) {
        continue;
      }
      double dot = 0;
      for (int d = 0; d < DIM; d++) {
        dot += (double) q[d] * rows[t][d];
      }
      best = Math.max(best, dot);
    }
    return best;
  }

  private static float[][] unitRows(Random random, int n) {
    float[][] rows = new float[n][DIM];
    for (float[] row : rows) {
      double norm = 0;
      for (int d = 0; d < DIM; d++) {
        row[d] = (float) random.nextGaussian();
        norm += row[d] * row[d];
      }
      for (int d = 0; d < DIM; d++) {
        row[d] /= (float) Math.sqrt(norm);
      }
    }
    return rows;
  }
}
