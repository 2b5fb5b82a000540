package io.nyx.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroundedTest {
  @Test
  void readsTheGroundingCheckAndScalesConfidence() {
    Grounded g =
        Grounded.from(
            Map.of(
                "grounding",
                Map.of("score", 0.5, "sentences", 4L, "invented_citations", List.of(9L))));
    assertThat(g.score().getAsDouble()).isEqualTo(0.5);
    assertThat(g.invented()).isTrue();
    assertThat(g.adjust(0.8)).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void noCheckedSentenceOrNoCheckLeavesScoringAlone() {
    Grounded none = Grounded.from(Map.of("grounding", Map.of("score", 0.0, "sentences", 0)));
    assertThat(none.score()).isEmpty();
    assertThat(none.adjust(0.8)).isEqualTo(0.8);
    assertThat(Grounded.from(Map.of())).isEqualTo(Grounded.NONE);
  }
}
