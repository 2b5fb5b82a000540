package io.nyx.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatResult;
import io.nyx.backend.TokenLogprob;
import io.nyx.backend.Usage;
import io.nyx.context.AnswerCheck;
import io.nyx.context.ContextBuilder;
import io.nyx.context.ContextItem;
import io.nyx.context.time.TimeReading;
import io.nyx.context.time.Urgency;
import io.nyx.learning.Rewards;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.RouteMethod;
import io.nyx.safety.RiskAssessment;
import io.nyx.safety.RiskScreen;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.Specialists;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ScoreStageTest {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  final Specialists specialists = StageFakes.specialists(new StageFakes.ScriptedBackend());
  final Plans plans = new Plans(specialists, StageFakes.BASE);

  /** Aletheia's check: half the answer's sentences grounded, one invented citation. */
  interface CheckingBuilder extends ContextBuilder, AnswerCheck {}

  private final CheckingBuilder facts =
      new CheckingBuilder() {
        @Override
        public List<ContextItem> build(io.nyx.context.ContextRequest request) {
          return List.of();
        }

        @Override
        public Map<String, Object> check(String answer, List<ContextItem> context) {
          return Map.of(
              "grounding", Map.of("score", 0.5, "sentences", 2, "invented_citations", List.of(99)));
        }
      };

  private ScoreStage stage(RiskScreen screen) {
    return new ScoreStage(
        new Screen(screen), Map.of(ContextStrategy.FACTS, facts), plans, Rewards.DEFAULT);
  }

  private Draft draft(String specialist, Urgency urgency) {
    InferenceRequest req = InferenceRequest.ofQuery("q", null, specialist, OptionalInt.empty());
    Decision d =
        new Decision(
            new TimeReading(NOW.atZone(ZoneOffset.UTC), List.of(), urgency, List.of()),
            RiskAssessment.NONE,
            new RouteDecision.Forced(specialist),
            -1,
            plans.specialist(specialist, req),
            RouteMethod.FORCED);
    return new Draft(
        UUID.randomUUID(),
        NOW,
        req,
        d,
        new Prompt(List.of(ChatMessage.user("q")), List.of(), List.of(), List.of()));
  }

  /** Two tokens at log-probability ln(0.9): a geometric-mean confidence of 0.9. */
  private static ChatResult answer(String content) {
    double lp = Math.log(0.9);
    return new ChatResult(
        "c",
        "m",
        content,
        "stop",
        Usage.NONE,
        List.of(new TokenLogprob("a", lp), new TokenLogprob("b", lp)));
  }

  @Test
  void confidenceComesFromTheLogprobsAndTheRewardFromTheSpecialistsFunction() {
    Scored s = stage(RiskScreen.NONE).score(draft("kairos", Urgency.NORMAL), answer("ok"), 100);
    assertThat(s.confidence()).isCloseTo(0.9, within(1e-9));
    assertThat(s.reward().value()).isCloseTo(0.8, within(1e-9)); // 2·0.9 − 1
    assertThat(s.reward().components()).containsOnlyKeys("confidence");
    assertThat(s.checks()).isEmpty();
  }

  @Test
  void aSlowAnswerToAnUrgentQuestionIsPenalised() {
    Scored s = stage(RiskScreen.NONE).score(draft("kairos", Urgency.HIGH), answer("ok"), 16_000);
    // budget 8 s, took 16 s: one budget over, a quarter point
    assertThat(s.reward().components()).containsEntry("delay", -0.25);
  }

  @Test
  void anAnswerTheScreenFlagsLosesReward() {
    RiskScreen flagsAnswers =
        text -> new RiskAssessment(1, "harm", Map.of(), text.contains("bad"), List.of());
    Scored s = stage(flagsAnswers).score(draft("kairos", Urgency.NORMAL), answer("bad advice"), 10);
    assertThat(s.output().flagged()).isTrue();
    assertThat(s.reward().components()).containsKey("unsafe_output");
  }

  @Test
  void groundingAdjustsConfidenceAndReward() {
    Scored s = stage(RiskScreen.NONE).score(draft("aletheia", Urgency.NORMAL), answer("x"), 10);
    assertThat(s.checks()).containsKey("grounding");
    assertThat(s.confidence()).isCloseTo(0.9 * 0.75, within(1e-9)); // c·(0.5 + 0.5·g)
    assertThat(s.reward().components()).containsKeys("grounding", "invented_citation");
    assertThat(s.signals().grounding()).hasValue(0.5);
  }
}
