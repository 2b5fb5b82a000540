package io.nyx.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VectorMathTest {
  @Test
  void theFastDotAgreesWithThePreciseOneOnEveryLengthAndOffset() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int dim = 1; dim <= 40; dim++) {
      float[] rows = random(rng, 3 * dim);
      float[] q = random(rng, dim);
      for (int row = 0; row < 3; row++) {
        double precise = VectorMath.dot(q, 0, rows, row * dim, dim);
        assertThat((double) VectorMath.fastDot(q, 0, rows, row * dim, dim))
            .as("dim %d row %d", dim, row)
            .isCloseTo(precise, within(1e-5 * dim));
      }
    }
  }

  @Test
  void aNormalisedRowHasLengthOneAndLeavesItsNeighboursAlone() {
    float[] v = {3, 4, 0, 0, 10};
    assertThat(VectorMath.normalize(v, 0, 2)).isTrue();
    assertThat(v[0]).isEqualTo(0.6f);
    assertThat(v[1]).isEqualTo(0.8f);
    assertThat(VectorMath.sumOfSquares(v, 0, 2)).isCloseTo(1, within(1e-6));
    assertThat(VectorMath.normalize(v, 2, 2)).as("a zero row").isFalse();
    assertThat(v).containsExactly(0.6f, 0.8f, 0f, 0f, 10f);
  }

  private static float[] random(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return v;
  }
}
