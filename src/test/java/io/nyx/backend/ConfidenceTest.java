package io.nyx.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfidenceTest {
  @Test
  void confidenceIsGeometricMeanTokenProbability() {
    var lp = List.of(new TokenLogprob("a", Math.log(0.9)), new TokenLogprob("b", Math.log(0.4)));
    assertThat(Confidence.fromLogprobs(lp).getAsDouble()).isCloseTo(0.6, within(1e-12));
    assertThat(Confidence.fromLogprobs(List.of())).isEmpty();
  }
}
