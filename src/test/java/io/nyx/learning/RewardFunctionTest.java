package io.nyx.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class RewardFunctionTest {
  private final RewardFunction f = new RewardFunction();

  @Test
  void rewardMapsConfidenceLinearlyToMinusOneOne() {
    assertThat(f.score(new AnswerSignals(OptionalDouble.of(0.9), "stop", false)).value())
        .isCloseTo(0.8, within(1e-12));
    assertThat(f.score(new AnswerSignals(OptionalDouble.empty(), "stop", false)).value()).isZero();
  }

  @Test
  void truncationIsPenalisedAndRecordedAsAComponent() {
    Reward r = f.score(new AnswerSignals(OptionalDouble.of(0.75), "length", false));
    assertThat(r.value()).isCloseTo(0.25, within(1e-12));
    assertThat(r.components()).containsEntry("truncated", -0.25).containsKey("confidence");
  }

  @Test
  void groundingAndInventedCitationsEnterTheReward() {
    AnswerSignals grounded =
        new AnswerSignals(
            OptionalDouble.of(0.75), "stop", false, 0, 0, false, OptionalDouble.of(0.25), true);
    Reward r = f.score(grounded);
    assertThat(r.components())
        .containsEntry("grounding", -0.25)
        .containsEntry("invented_citation", -0.25);
    assertThat(r.value()).isCloseTo(0.5 - 0.25 - 0.25, within(1e-12));
  }

  @Test
  void failureIsMinusOne() {
    assertThat(f.score(new AnswerSignals(OptionalDouble.of(1), "", true)).value()).isEqualTo(-1);
  }

  @Test
  void feedbackOutweighsTheAutomaticReward() {
    assertThat(f.withFeedback(0.8, -1)).isCloseTo(0.3 * 0.8 - 0.7, within(1e-12));
    assertThat(f.withFeedback(1, 1)).isEqualTo(1);
  }

  /** Aletheia weighing grounding double and confidence half: the same answer, another reward. */
  @Test
  void aSpecialistsOwnWeightsChangeOnlyWhatTheySet() {
    Rewards rewards =
        new Rewards(
            RewardWeights.DEFAULT,
            Map.of("aletheia", Map.of("grounding", 1.0, "confidence", 0.5, "feedback_share", 0.5)));
    AnswerSignals s =
        new AnswerSignals(
            OptionalDouble.of(0.75), "stop", false, 0, 0, false, OptionalDouble.of(0.75), false);
    // default: (2*0.75-1) + 0.5*(2*0.75-1) = 0.5 + 0.25
    assertThat(rewards.of("kairos").score(s).value()).isCloseTo(0.75, within(1e-12));
    assertThat(rewards.of(null).score(s).value()).isCloseTo(0.75, within(1e-12));
    // aletheia: 0.5*(0.5) + 1.0*(0.5)
    Reward a = rewards.of("aletheia").score(s);
    assertThat(a.value()).isCloseTo(0.75, within(1e-12));
    assertThat(a.components()).containsEntry("confidence", 0.25).containsEntry("grounding", 0.5);
    assertThat(rewards.of("aletheia").withFeedback(0.2, -1)).isCloseTo(-0.4, within(1e-12));
    assertThat(rewards.of("kairos").withFeedback(0.2, -1)).isCloseTo(-0.64, within(1e-12));
  }

  @Test
  void delayFollowsTheWeights() {
    RewardFunction slowTolerant =
        new RewardFunction(RewardWeights.DEFAULT.with(Map.of("delay_rate", 0.1, "max_delay", 0.2)));
    AnswerSignals late =
        new AnswerSignals(
            OptionalDouble.of(0.5),
            "stop",
            false,
            4000,
            1000,
            false,
            OptionalDouble.empty(),
            false);
    assertThat(f.score(late).components().get("delay")).isCloseTo(-0.5, within(1e-12));
    assertThat(slowTolerant.score(late).components().get("delay")).isCloseTo(-0.2, within(1e-12));
  }
}
