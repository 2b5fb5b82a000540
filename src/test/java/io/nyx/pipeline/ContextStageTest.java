package io.nyx.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.context.ContextBuilder;
import io.nyx.context.ContextItem;
import io.nyx.context.ContextRequest;
import io.nyx.context.time.TimeReading;
import io.nyx.context.time.Urgency;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.RouteMethod;
import io.nyx.safety.RiskAssessment;
import io.nyx.security.Caller;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.Specialists;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ContextStageTest {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  final Specialists specialists = StageFakes.specialists(new StageFakes.ScriptedBackend());
  final Plans plans = new Plans(specialists, StageFakes.BASE);
  final StageFakes.CountingMetrics metrics = new StageFakes.CountingMetrics();
  final List<ContextRequest> asked = new ArrayList<>();

  private final ContextBuilder memories =
      request -> {
        asked.add(request);
        return List.of(
            new ContextItem.MemoryItem(7, "the locker code is 4921", 0.9),
            new ContextItem.MemoryItem(8, "the bike is in shed 7", 0.4));
      };

  private ContextStage stage(ContextBuilder memory, int maxPromptTokens) {
    return new ContextStage(
        Map.of(ContextStrategy.MEMORY, memory), plans, maxPromptTokens, metrics);
  }

  private Decision decision(String specialist, boolean flagged) {
    InferenceRequest req = request();
    Plan plan = specialist == null ? plans.base(req) : plans.specialist(specialist, req);
    RiskAssessment risk =
        flagged
            ? new RiskAssessment(0.9, "self_harm", Map.of(), true, List.of())
            : RiskAssessment.NONE;
    return new Decision(
        new TimeReading(NOW.atZone(ZoneOffset.UTC), List.of(), Urgency.NORMAL, List.of()),
        risk,
        new RouteDecision.Forced(specialist == null ? "kairos" : specialist),
        -1,
        plan,
        RouteMethod.FORCED);
  }

  private static InferenceRequest request() {
    return InferenceRequest.ofQuery("what is the locker code?", "s1", null, OptionalInt.empty())
        .by(new Caller("acme", "acme-app", false));
  }

  @Test
  void theSpecialistsContextGoesIntoThePromptForTheCallersTenantAndSession() {
    Prompt p =
        stage(memories, 8192).build(decision("mnemosyne", false), request(), NOW, ZoneOffset.UTC);
    assertThat(p.kept()).hasSize(2);
    assertThat(p.messages().getFirst().content())
        .startsWith("You are mnemosyne.")
        .contains("[memory 7] the locker code is 4921");
    assertThat(p.messages().getLast().content()).isEqualTo("what is the locker code?");
    assertThat(asked)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.tenant()).isEqualTo("acme");
              assertThat(r.sessionId()).isEqualTo("s1");
            });
    assertThat(p.incomplete()).isEmpty();
  }

  @Test
  void theBaseModelGetsNoSpecialistContext() {
    Prompt p = stage(memories, 8192).build(decision(null, false), request(), NOW, ZoneOffset.UTC);
    assertThat(p.kept()).isEmpty();
    assertThat(asked).isEmpty();
  }

  @Test
  void aFailingSourceIsLoggedCountedAndReportedAndTheAnswerGoesAhead() {
    ContextBuilder broken =
        request -> {
          throw new IllegalStateException("database unavailable");
        };
    Prompt p =
        stage(broken, 8192).build(decision("mnemosyne", false), request(), NOW, ZoneOffset.UTC);
    assertThat(p.kept()).isEmpty();
    assertThat(p.incomplete()).containsExactly("memory: database unavailable");
    assertThat(metrics.events).containsExactly("context failed memory");
    assertThat(p.messages()).isNotEmpty();
  }

  @Test
  void aFlaggedQuestionGetsCareGuidanceWhoeverAnswers() {
    Prompt p = stage(memories, 8192).build(decision(null, true), request(), NOW, ZoneOffset.UTC);
    assertThat(p.kept()).singleElement().isInstanceOf(ContextItem.GuidanceItem.class);
  }

  @Test
  void overTheTokenBudgetTheWeakestMemoryIsDroppedAndRecorded() {
    // 64 tokens reserved for the answer; what is left fits the prompt with one memory, not two.
    Prompt full =
        stage(memories, 8192).build(decision("mnemosyne", false), request(), NOW, ZoneOffset.UTC);
    int withOne = io.nyx.context.PromptAssembler.estimate(full.messages()) - 8;
    Prompt p =
        stage(memories, withOne + 64)
            .build(decision("mnemosyne", false), request(), NOW, ZoneOffset.UTC);
    assertThat(p.kept()).extracting(i -> ((ContextItem.MemoryItem) i).id()).containsExactly(7L);
    assertThat(p.dropped())
        .singleElement()
        .satisfies(m -> assertThat(m).containsEntry("kind", "memory"));
  }
}
