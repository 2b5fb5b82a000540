package io.nyx.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.learning.MemoryTraitStore;
import io.nyx.learning.TraitConfig;
import io.nyx.learning.TraitWeights;
import io.nyx.routing.QueryClusters;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.RouteMethod;
import io.nyx.routing.Router;
import io.nyx.safety.RiskAssessment;
import io.nyx.safety.RiskScreen;
import io.nyx.specialist.Specialists;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RouteStageTest {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  final Specialists specialists = StageFakes.specialists(new StageFakes.ScriptedBackend());

  /** A router that always says {@code decision}. */
  private static Router always(RouteDecision decision) {
    return new Router() {
      @Override
      public RouteDecision route(String query, Map<String, Double> traitWeights) {
        return decision;
      }

      @Override
      public List<String> admissible(String query, double margin) {
        return decision.specialist().map(List::of).orElse(List.of());
      }
    };
  }

  private RouteStage stage(RouteDecision routed, RiskScreen screen) {
    InstantSource clock = InstantSource.fixed(NOW);
    MemoryTraitStore store = new MemoryTraitStore(clock);
    TraitWeights weights = new TraitWeights(store, store, clock, Duration.ZERO);
    return new RouteStage(
        always(routed),
        QueryClusters.NONE,
        specialists,
        weights,
        TraitConfig.DEFAULT,
        new Screen(screen),
        new Plans(specialists, StageFakes.BASE));
  }

  private static Decision decide(RouteStage s, InferenceRequest req) {
    return s.decide(req, NOW, ZoneOffset.UTC);
  }

  private static final RouteDecision KAIROS =
      new RouteDecision.Chosen("kairos", 0.8, 0.3, Map.of("kairos", 0.8, "moira", 0.5));

  @Test
  void aRoutedQuestionGoesToTheChosenSpecialistWithItsPromptAndDecoding() {
    Decision d =
        decide(
            stage(KAIROS, RiskScreen.NONE),
            InferenceRequest.ofQuery("when?", null, null, OptionalInt.empty()));
    assertThat(d.method()).isEqualTo(RouteMethod.SEMANTIC);
    assertThat(d.plan().specialist()).isEqualTo("kairos");
    assertThat(d.plan().model()).isEqualTo("kairos-adapter");
    assertThat(d.plan().systemPrompt()).isEqualTo("You are kairos.");
    assertThat(d.plan().decoding().maxTokens()).isEqualTo(64);
    assertThat(d.cluster()).isEqualTo(-1);
  }

  @Test
  void theCallersSamplingOverridesTheSpecialistsDecoding() {
    InferenceRequest req =
        new InferenceRequest(
            "when?",
            List.of(io.nyx.backend.ChatMessage.user("when?")),
            "",
            null,
            null,
            OptionalInt.of(7),
            OptionalDouble.of(1.5),
            OptionalDouble.empty(),
            false);
    Decision d = decide(stage(KAIROS, RiskScreen.NONE), req);
    assertThat(d.plan().decoding().maxTokens()).isEqualTo(7);
    assertThat(d.plan().decoding().temperature()).isEqualTo(1.5);
    assertThat(d.plan().decoding().topP()).isEqualTo(0.9);
  }

  @Test
  void anAbstentionIsAnsweredByTheBaseModel() {
    var abstain = new RouteDecision.Abstained("below threshold", 0.2, Map.of("kairos", 0.2));
    Decision d =
        decide(
            stage(abstain, RiskScreen.NONE),
            InferenceRequest.ofQuery("hi", null, null, OptionalInt.empty()));
    assertThat(d.method()).isEqualTo(RouteMethod.ABSTAIN);
    assertThat(d.plan().specialist()).isNull();
    assertThat(d.plan().model()).isEqualTo(StageFakes.BASE);
    assertThat(d.plan().systemPrompt()).isEqualTo(Plans.BASE_PROMPT);
  }

  @Test
  void aNamedSpecialistIsForcedAndAnUnknownOneIsABadRequest() {
    RouteStage s = stage(KAIROS, RiskScreen.NONE);
    Decision d = decide(s, InferenceRequest.ofQuery("x", null, "moira", OptionalInt.empty()));
    assertThat(d.method()).isEqualTo(RouteMethod.FORCED);
    assertThat(d.plan().specialist()).isEqualTo("moira");
    assertThat(d.plan().systemPrompt())
        .startsWith("You are moira.")
        .contains(io.nyx.foresight.Foresight.STRUCTURE);
    assertThatThrownBy(
            () -> decide(s, InferenceRequest.ofQuery("x", null, "zeus", OptionalInt.empty())))
        .isInstanceOf(NyxException.BadRequest.class)
        .hasMessageContaining("unknown specialist 'zeus'")
        .satisfies(e -> assertThat(((NyxException) e).param()).isEqualTo("specialist"));
  }

  @Test
  void aFlaggedQuestionIsTakenOverByTheSafetySpecialistAndTheRouteKeptForTheRecord() {
    RiskScreen flags =
        text ->
            new RiskAssessment(0.9, "self_harm", Map.of("self_harm", 0.9), true, List.of("seed"));
    Decision d =
        decide(
            stage(KAIROS, flags),
            InferenceRequest.ofQuery("help", null, null, OptionalInt.empty()));
    assertThat(d.method()).isEqualTo(RouteMethod.SAFETY);
    assertThat(d.plan().specialist()).isEqualTo("eleos");
    assertThat(d.route().specialist()).contains("kairos");
    assertThat(d.readings()).containsEntry("overridden_method", "semantic");
  }

  @Test
  void aFailingScreenLeavesTheQuestionUnflaggedAndSaysSo() {
    RiskScreen broken =
        text -> {
          throw new IllegalStateException("embedder down");
        };
    Decision d =
        decide(
            stage(KAIROS, broken), InferenceRequest.ofQuery("x", null, null, OptionalInt.empty()));
    assertThat(d.risk().flagged()).isFalse();
    assertThat(d.risk().evidence()).containsExactly("not screened: embedder down");
    assertThat(d.method()).isEqualTo(RouteMethod.SEMANTIC);
  }

  @Test
  void kairosReadsTheQuestionsUrgency() {
    Decision d =
        decide(
            stage(KAIROS, RiskScreen.NONE),
            InferenceRequest.ofQuery(
                "I need this urgently, right now!", null, null, OptionalInt.empty()));
    assertThat(d.time().urgency().label()).isEqualTo("critical");
    assertThat(d.readings())
        .containsEntry("urgency", "critical")
        .doesNotContainKey("overridden_method");
  }
}
