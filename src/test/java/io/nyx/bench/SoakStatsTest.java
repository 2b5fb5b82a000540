package io.nyx.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SoakStatsTest {
  @Test
  void slopeOfALineIsItsSlopeWhateverItsOffset() {
    double[] x = {0, 30, 60, 90, 120};
    double[] y = {500, 503, 506, 509, 512};
    assertThat(SoakStats.slope(x, y)).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void slopeOfNoiseAroundAFlatLineIsZero() {
    assertThat(SoakStats.slope(new double[] {0, 1, 2, 3}, new double[] {5, 7, 7, 5}))
        .isCloseTo(0, within(1e-12));
  }

  @Test
  void slopeNeedsTwoDistinctXs() {
    assertThat(SoakStats.slope(new double[] {1}, new double[] {2})).isNaN();
    assertThat(SoakStats.slope(new double[] {1, 1}, new double[] {2, 3})).isNaN();
  }

  @Test
  void spreadTakesTheMiddleOfAnEvenCount() {
    assertThat(SoakStats.spread(new double[] {4, 1, 3, 2}))
        .isEqualTo(new SoakStats.Spread(1, 2.5, 4));
    assertThat(SoakStats.spread(new double[] {9, 1, 5})).isEqualTo(new SoakStats.Spread(1, 5, 9));
    assertThat(SoakStats.spread(new double[0]).median()).isNaN();
  }
}
