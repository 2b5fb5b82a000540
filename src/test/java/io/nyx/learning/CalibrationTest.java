package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {
  @Test
  void overconfidentAnswersShowAsAGapInTheirBin() {
    var outcomes =
        List.of(
            new Calibration.Outcome(0.95, 1),
            new Calibration.Outcome(0.91, -1),
            new Calibration.Outcome(0.15, -1),
            new Calibration.Outcome(0.12, -0.5));
    Calibration c = Calibration.of(outcomes, 10);
    // bin 0.9: conf 0.93, acc 0.5 -> 0.43; bin 0.1: conf 0.135, acc 0 -> 0.135; ECE =
    // (0.43+0.135)/2
    assertThat(c.curve()).hasSize(2);
    assertThat(c.curve().get(1).confidence()).isCloseTo(0.93, within(1e-12));
    assertThat(c.curve().get(1).accuracy()).isEqualTo(0.5);
    assertThat(c.ece()).isCloseTo(0.2825, within(1e-12));
  }

  @Test
  void noOutcomesNoError() {
    assertThat(Calibration.of(List.of(), 10).ece()).isZero();
  }
}
