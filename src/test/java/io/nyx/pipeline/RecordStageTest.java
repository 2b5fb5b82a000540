package io.nyx.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatResult;
import io.nyx.backend.Usage;
import io.nyx.context.time.TimeReading;
import io.nyx.context.time.Urgency;
import io.nyx.foresight.PredictionStore;
import io.nyx.learning.AnswerSignals;
import io.nyx.learning.Reward;
import io.nyx.learning.TraitConfig;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.RouteMethod;
import io.nyx.safety.ReviewItem;
import io.nyx.safety.ReviewQueue;
import io.nyx.safety.RiskAssessment;
import io.nyx.safety.RiskScreen;
import io.nyx.security.Caller;
import io.nyx.specialist.Specialists;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordStageTest {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  final Specialists specialists = StageFakes.specialists(new StageFakes.ScriptedBackend());
  final Plans plans = new Plans(specialists, StageFakes.BASE);
  final StageFakes.MemoryLog log = new StageFakes.MemoryLog();
  final StageFakes.RecordingLearner learner = new StageFakes.RecordingLearner();
  final StageFakes.CountingMetrics metrics = new StageFakes.CountingMetrics();
  final List<String> queued = new ArrayList<>();

  private final ReviewQueue reviews =
      new ReviewQueue() {
        @Override
        public long enqueue(UUID q, String tenant, String stage, RiskAssessment a, Instant at) {
          queued.add(tenant + " " + stage);
          return queued.size();
        }

        @Override
        public List<ReviewItem> pending(int limit) {
          return List.of();
        }

        @Override
        public Optional<ReviewItem> decide(long id, String v, double r, String n, Instant at) {
          return Optional.empty();
        }

        @Override
        public void reopen(long id) {}
      };

  private RecordStage stage() {
    Powers powers = new Powers(RiskScreen.NONE, reviews, PredictionStore.NONE, 8192);
    return new RecordStage(log, learner, TraitConfig.DEFAULT, powers, plans, metrics);
  }

  private Draft draft(String specialist, boolean flagged, int cluster) {
    InferenceRequest req =
        InferenceRequest.ofQuery("q", "s1", specialist, OptionalInt.empty())
            .by(new Caller("acme", "acme-app", false));
    RiskAssessment risk =
        flagged ? new RiskAssessment(0.9, "harm", Map.of(), true, List.of()) : RiskAssessment.NONE;
    Plan plan = specialist == null ? plans.base(req) : plans.specialist(specialist, req);
    Decision d =
        new Decision(
            new TimeReading(NOW.atZone(ZoneOffset.UTC), List.of(), Urgency.NORMAL, List.of()),
            risk,
            new RouteDecision.Forced("kairos"),
            cluster,
            plan,
            RouteMethod.FORCED);
    return new Draft(
        UUID.randomUUID(),
        NOW,
        req,
        d,
        new Prompt(List.of(ChatMessage.user("q")), List.of(), List.of(), List.of("facts: down")));
  }

  private static GenerateStage.Answer answer(Plan used, String fallback) {
    ChatResult r =
        new ChatResult("c", used.model(), "an answer", "stop", new Usage(5, 2), List.of());
    return new GenerateStage.Answer(new Generation.Timed(r, 12, 1), used, fallback);
  }

  private static Scored scored(double reward) {
    return new Scored(
        0.7,
        new Reward(reward, Map.of("confidence", reward)),
        new AnswerSignals(OptionalDouble.of(0.7), "stop", false, 40, 30_000, false),
        Map.of(),
        RiskAssessment.NONE);
  }

  @Test
  void anAnswerIsLearntFromRecordedAndItsFollowUpsQueued() {
    Draft d = draft("kairos", true, 3);
    stage().answered(d, answer(d.plan(), ""), scored(0.4));
    QueryRecord row = log.rows.getFirst();
    assertThat(row.id()).isEqualTo(d.id());
    assertThat(row.status()).isEqualTo("ok");
    assertThat(row.reward()).isEqualTo(0.4);
    assertThat(row.tenant()).isEqualTo("acme");
    assertThat(row.keyName()).isEqualTo("acme-app");
    assertThat(row.route()).containsEntry("method", "forced").containsKey("context_incomplete");
    assertThat(learner.added).containsExactly("kairos:0.25", "kairos@3:0.25");
    assertThat(queued).containsExactly("acme input");
    assertThat(metrics.events).contains("reward kairos");
  }

  @Test
  void anAnswerTheBaseModelGaveForAnAdapterTeachesNothing() {
    Draft d = draft("kairos", false, -1);
    stage().answered(d, answer(plans.base(d.req()), "adapter not loaded"), scored(0.4));
    assertThat(learner.added).isEmpty();
    assertThat(log.rows.getFirst().route()).containsEntry("fallback", "adapter not loaded");
  }

  @Test
  void anAnswerThatCannotBeRecordedIsAnError() {
    log.down = true;
    Draft d = draft("kairos", false, -1);
    assertThatThrownBy(() -> stage().answered(d, answer(d.plan(), ""), scored(0.4)))
        .isInstanceOf(NyxException.Unavailable.class)
        .hasMessageContaining("the answer was not recorded");
  }

  @Test
  void aFailureIsRecordedAndARecordingFailureDoesNotHideIt() {
    Draft d = draft(null, false, -1);
    var failed = new GenerateStage.Outcome.Failed("backend_error", "500 boom", null);
    stage().failed(d, failed, 7);
    assertThat(log.rows.getFirst().status()).isEqualTo("backend_error");
    assertThat(log.rows.getFirst().error()).isEqualTo("500 boom");
    assertThat(log.rows.getFirst().latencyMs()).isEqualTo(7);
    log.down = true;
    stage().failed(d, failed, 7); // swallowed: the caller's error response carries the cause
  }
}
