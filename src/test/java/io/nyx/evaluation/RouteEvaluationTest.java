package io.nyx.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteEvaluationTest {
  @Test
  void figuresOfATinyRunMatchHandComputation() {
    // labels:      a a b b none none
    // predictions: a b b none none a
    RouteEvaluation e =
        RouteEvaluation.of(
            List.of("a", "a", "b", "b", "none", "none"),
            List.of("a", "b", "b", "none", "none", "a"),
            new long[] {1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000, 100_000_000});
    assertThat(e.classes()).containsExactly("a", "b", "none");
    assertThat(e.confusion()[0]).containsExactly(1, 1, 0);
    assertThat(e.confusion()[1]).containsExactly(0, 1, 1);
    assertThat(e.confusion()[2]).containsExactly(1, 0, 1);
    assertThat(e.accuracy()).isEqualTo(3 / 6.0);
    assertThat(e.inScopeAccuracy()).isEqualTo(2 / 4.0);
    // F1: a = 2*1/(2+2) = 0.5, b = 2*1/(2+2) = 0.5, none = 2*1/(2+2) = 0.5
    assertThat(e.macroF1()).isCloseTo(0.5, within(1e-12));
    assertThat(e.abstainPrecision()).isEqualTo(0.5);
    assertThat(e.abstainRecall()).isEqualTo(0.5);
    assertThat(e.wronglyAbstained()).isEqualTo(0.25);
    assertThat(e.p50Ms()).isEqualTo(3.0);
    assertThat(e.p99Ms()).isEqualTo(100.0);
  }
}
