package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The follow-up rule on hand-made decisions (threshold 0.3, switch margin 0.05, topic margin 0.1),
 * and the issue's conversation through MiniLM.
 */
class FollowUpsTest {
  final FollowUps followUps =
      new FollowUps(
          new SemanticRouter(
              new io.nyx.testing.WordEmbedder(),
              java.util.List.of(
                  ExemplarLearningTest.spec(
                      "kairos",
                      "i have a flight at 6pm tomorrow when should i leave for the airport"),
                  ExemplarLearningTest.spec("moira", "what will the traffic and weather be")),
              RoutingSettings.DEFAULT.withThreshold(0.3)),
          0.05,
          0.1);

  @Test
  void anAbstainedFollowUpStaysWithThePreviousSpecialist() {
    RouteDecision alone = new RouteDecision.Abstained("low", 0.9, scores(0.1, 0.12));

    RouteDecision d = followUps.apply(Optional.of("kairos"), alone);

    assertThat(d.specialist()).hasValue("kairos");
    assertThat(d.method()).isEqualTo(RouteMethod.FOLLOW_UP);
    assertThat(d.scores()).isEqualTo(alone.scores()); // the message's own scores stay visible
  }

  @Test
  void aNarrowLeadElsewhereStaysAndAClearOneSwitches() {
    RouteDecision narrow = new RouteDecision.Chosen("moira", 0.6, 0.03, scores(0.40, 0.43));
    RouteDecision clear = new RouteDecision.Chosen("moira", 0.9, 0.2, scores(0.25, 0.45));

    assertThat(followUps.apply(Optional.of("kairos"), narrow).specialist()).hasValue("kairos");
    assertThat(followUps.apply(Optional.of("kairos"), clear)).isSameAs(clear);
    assertThat(followUps.apply(Optional.empty(), narrow)).isSameAs(narrow);
  }

  @Test
  void aLeadJustOverTheThresholdHasNoTopicOfItsOwnAndStays() {
    // 0.38 clears the threshold 0.3 by less than the topic margin 0.1, however wide the lead.
    RouteDecision faint = new RouteDecision.Chosen("moira", 0.7, 0.3, scores(0.08, 0.38));

    RouteDecision d = followUps.apply(Optional.of("kairos"), faint);

    assertThat(d.specialist()).hasValue("kairos");
    assertThat(d.method()).isEqualTo(RouteMethod.FOLLOW_UP);
  }

  @Test
  void forcedDecisionsStand() {
    RouteDecision forced = new RouteDecision.Forced("moira");
    assertThat(followUps.apply(Optional.of("kairos"), forced)).isSameAs(forced);
  }

  /**
   * The issue's conversation through MiniLM and the shipped five: routed alone, the follow-ups went
   * to moira; as a conversation they stay with kairos, and a new topic still switches.
   */
  @Test
  void theIssuesConversationStaysWithKairosAndANewTopicSwitches() {
    try (io.nyx.memory.MiniLmEmbedder minilm = new io.nyx.memory.MiniLmEmbedder()) {
      conversation(
          new SemanticRouter(
              minilm, io.nyx.config.SpecialistsYaml.defaults(), RoutingSettings.DEFAULT));
    }
  }

  /**
   * The same with the default ranking model (bge-small), whose second opinion takes "ok thanks, and
   * the other thing?" alone to a specialist MiniLM abstained on: it barely clears BGE's threshold,
   * far less than the topic margin, so the conversation still stays.
   */
  @Test
  void aRescuedFollowUpStaysToo() {
    try (io.nyx.memory.MiniLmEmbedder minilm = new io.nyx.memory.MiniLmEmbedder();
        io.nyx.memory.Embedder bge =
            new io.nyx.memory.OnnxEmbedder(io.nyx.memory.LocalModel.BGE_SMALL)) {
      SemanticRouter router =
          new SemanticRouter(
              minilm,
              bge,
              io.nyx.config.SpecialistsYaml.defaults(),
              RoutingSettings.DEFAULT,
              ExemplarCache.NONE);
      RouteDecision alone = router.route("ok thanks, and the other thing?", Map.of());
      assertThat(alone.method()).isEqualTo(RouteMethod.SECOND_OPINION);
      assertThat(alone.fit()).isBetween(router.threshold(), router.threshold() + 0.1);
      conversation(router);
    }
  }

  private static void conversation(SemanticRouter router) {
    FollowUps f = new FollowUps(router);
    Map<String, Double> w = Map.of();
    java.util.List<String> turns =
        java.util.List.of(
            "I have a flight at 6pm tomorrow, when should I leave for the airport?",
            "and what if there is traffic?",
            "ok thanks, and the other thing?");
    for (int t = 1; t < turns.size(); t++) {
      RouteDecision alone = router.route(turns.get(t), w);
      assertThat(f.decide(turns.subList(0, t), alone, w).specialist())
          .as(turns.get(t))
          .hasValue("kairos");
    }
    String shift = "I feel anxious and can't sleep, can you help me calm down?";
    RouteDecision alone = router.route(shift, w);
    assertThat(f.decide(turns, alone, w).specialist()).isEqualTo(alone.specialist());
    assertThat(alone.specialist()).isNotEqualTo(java.util.Optional.of("kairos"));
  }

  private static Map<String, Double> scores(double kairos, double moira) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("moira", moira);
    m.put("kairos", kairos);
    return m;
  }
}
