package io.nyx.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nyx.learning.AnswerSignals;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Recomputed rewards from stored rows, with hand-computed numbers. */
class RescoringTest {
  private static final Instant AT = Instant.parse("2026-05-01T10:00:00Z");
  private final Rescoring rescoring = new Rescoring();

  private static RescoreRow row(
      String status, double reward, Map<String, Object> route, List<Double> ratings) {
    return new RescoreRow(
        UUID.randomUUID(), AT, status, "stop", 0.6, reward, 900, route, ratings, "kairos");
  }

  /** confidence 0.9, cut by max_tokens, 3 s against a 1 s budget. */
  private static Map<String, Object> storedInputs() {
    AnswerSignals s =
        new AnswerSignals(
            OptionalDouble.of(0.9),
            "length",
            false,
            3000,
            1000,
            false,
            OptionalDouble.empty(),
            false);
    return Map.of(RewardInputs.KEY, RewardInputs.toMap(s));
  }

  @Test
  void scoresTheStoredInputsAgain() {
    // 2·0.9 − 1 = 0.8; truncated −0.25; delay −min(0.5, 0.25·2) = −0.5 -> 0.05
    Rescoring.Rescored r = rescoring.rescore(row("ok", 0.3, storedInputs(), List.of()));
    assertThat(r.reward()).isCloseTo(0.05, within(1e-12));
    assertThat(r.components())
        .containsOnlyKeys("confidence", "truncated", "delay")
        .containsEntry("delay", -0.5);
    assertThat(r.changed()).isTrue();
    assertThat(r.componentsChanged()).isTrue(); // none were stored
  }

  @Test
  void ratingsAreFoldedInOldestFirstLikeFeedback() {
    // 0.05 -> 0.3·0.05 + 0.7·1 = 0.715 -> 0.3·0.715 + 0.7·(−0.5) = −0.1355
    Rescoring.Rescored r = rescoring.rescore(row("ok", 0.3, storedInputs(), List.of(1.0, -0.5)));
    assertThat(r.reward()).isCloseTo(-0.1355, within(1e-12));
    assertThat(r.components().get("confidence")).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void aFailedRowStaysMinusOneAndOnlyItsLastRatingCounts() {
    Rescoring.Rescored plain = rescoring.rescore(row("backend_error", -1, Map.of(), List.of()));
    assertThat(plain.reward()).isEqualTo(-1);
    assertThat(plain.write()).isFalse();
    // FeedbackService blends a failed row's rating with 0, not with the previous reward
    Rescoring.Rescored rated =
        rescoring.rescore(row("backend_error", 0.42, Map.of(), List.of(-1.0, 0.6)));
    assertThat(rated.reward()).isCloseTo(0.42, within(1e-12));
    assertThat(rated.changed()).isFalse();
    assertThat(rated.components()).isEmpty();
  }

  @Test
  void rowsWithoutStoredInputsAreReadFromTheirColumns() {
    // stored confidence 0.6 = c·(0.5 + 0.5·0.5) -> c = 0.8: confidence 0.6, grounding 0.5·0 = 0,
    // unsafe_output −0.5 (known from the stored component) -> 0.1
    Map<String, Object> route = new HashMap<>();
    route.put("checks", Map.of("grounding", Map.of("score", 0.5, "sentences", 2)));
    route.put("reward_components", Map.of("confidence", 0.2, "unsafe_output", -0.5));
    route.put("latency_budget_ms", 0);
    Rescoring.Rescored r = rescoring.rescore(row("ok", 0.1, route, List.of()));
    assertThat(r.reward()).isCloseTo(0.1, within(1e-12));
    assertThat(r.changed()).isFalse();
    assertThat(r.components()).containsOnlyKeys("confidence", "unsafe_output", "grounding");
    assertThat(r.componentsChanged()).isTrue();
  }

  @Test
  void anUpToDateRowNeedsNoWrite() {
    Map<String, Object> route = new HashMap<>(storedInputs());
    route.put("reward_components", Map.of("confidence", 0.8, "truncated", -0.25, "delay", -0.5));
    Rescoring.Rescored r = rescoring.rescore(row("ok", 0.05, route, List.of()));
    assertThat(r.write()).isFalse();
  }

  @Test
  void unknownConfidenceStaysUnknown() {
    AnswerSignals s = new AnswerSignals(OptionalDouble.empty(), "stop", false);
    var route = Map.<String, Object>of(RewardInputs.KEY, RewardInputs.toMap(s));
    // the column says 0.6, but no logprobs means the neutral 0.5 -> reward 0
    assertThat(rescoring.rescore(row("ok", 0.2, route, List.of())).reward()).isZero();
  }
}
