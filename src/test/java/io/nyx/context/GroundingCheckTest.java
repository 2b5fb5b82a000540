package io.nyx.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroundingCheckTest {
  static final List<ContextItem.FactItem> FACTS =
      List.of(
          new ContextItem.FactItem(
              11, "Water boils at 100 degrees Celsius at sea level.", "physics"),
          new ContextItem.FactItem(12, "Paris is the capital of France.", "atlas"));

  final GroundingCheck check = new GroundingCheck(0.5);

  @Test
  void supportedSentencesOverCheckedSentences() {
    Grounding g =
        check.check(
            "Water boils at 100 degrees Celsius at sea level [fact 11]. Sure. "
                + "The moon landing happened in 1969 with three astronauts.",
            FACTS);
    assertThat(g.sentences()).hasSize(2); // "Sure." has too few content words to check
    assertThat(g.score()).isCloseTo(0.5, within(1e-9));
    assertThat(g.sentences().get(0).factId()).isEqualTo(11);
    assertThat(g.sentences().get(0).overlap()).isCloseTo(1.0, within(1e-9));
    assertThat(g.sentences().get(1).supported()).isFalse();
    assertThat(g.cited()).containsExactly(11L);
    assertThat(g.uncited()).isEmpty();
  }

  @Test
  void anAlteredNumberIsNotSupported() {
    // 4 of its 5 content words are in fact 11, but not the number: no support at all.
    Grounding g = check.check("Water boils at 90 degrees Celsius.", FACTS);
    assertThat(g.score()).isZero();
    assertThat(g.sentences().getFirst().overlap()).isZero();
    assertThat(check.check("Water boils at 100 degrees Celsius.", FACTS).score()).isEqualTo(1.0);
  }

  @Test
  void inventedCitationsAndNoFacts() {
    Grounding g = check.check("Lyon is the capital of France [fact 99].", FACTS);
    assertThat(g.uncited()).containsExactly(99L);
    assertThat(check.check("Lyon is a large city in France.", List.of()).score()).isZero();
    assertThat(check.check("Ok.", FACTS).sentences()).isEmpty();
  }
}
