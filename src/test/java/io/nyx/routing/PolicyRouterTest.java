package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.backend.BackendSettings;
import io.nyx.backend.openai.OpenAiChatBackend;
import io.nyx.config.ConfigException;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.settings.SettingException;
import io.nyx.specialist.Decoding;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.testing.FakeVllm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The route policy against the fake vLLM. "billing" and "invoices" share their exemplars, so every
 * billing query is an exact tie (margin 0): a close call by construction.
 */
class PolicyRouterTest {
  private static final List<String> MONEY =
      List.of(
          "why was I charged twice this month",
          "I need a copy of my last invoice",
          "update the credit card on my account",
          "when is my next payment due");
  private static final String MONEY_QUERY = "there is a double charge on my bill";

  private static MiniLmEmbedder embedder;
  private static SemanticRouter semantic;
  private FakeVllm fake;
  private MasterModel master;

  @BeforeAll
  static void load() {
    embedder = new MiniLmEmbedder();
    semantic = withThreshold(0.2);
  }

  private static SemanticRouter withThreshold(double threshold) {
    return new SemanticRouter(
        embedder,
        List.of(
            specialist("billing", MONEY),
            specialist("invoices", MONEY),
            specialist(
                "chef",
                List.of(
                    "how long do I roast a whole chicken",
                    "what can I cook with leftover rice",
                    "give me a recipe for banana bread",
                    "how do I make a sourdough starter"))),
        RoutingSettings.DEFAULT.withThreshold(threshold));
  }

  private static final String CHEF_QUERY = "a recipe for roast chicken";

  /** The chef query's top score: clear of billing, so no close race. */
  private static double chefTop() {
    RouteDecision d = semantic.route(CHEF_QUERY, Map.of());
    assertThat(d.margin()).isGreaterThan(RoutingSettings.DEFAULT_MASTER_MARGIN);
    return d.scores().values().iterator().next();
  }

  @Test
  void anAbstentionJustUnderTheThresholdAsksTheMasterWhichMayBringTheQueryIn() {
    SemanticRouter strict = withThreshold(chefTop() + 0.01);
    assertThat(strict.route(CHEF_QUERY, Map.of())).isInstanceOf(RouteDecision.Abstained.class);
    fake.replyStructured(req -> "{\"specialist\":\"chef\",\"confidence\":0.9}");

    RouteDecision d =
        new PolicyRouter(strict, master, strict.settings()).route(CHEF_QUERY, Map.of());

    assertThat(d.specialist()).contains("chef");
    assertThat(d.method()).isEqualTo(RouteMethod.HYBRID);
    assertThat(d.master().trigger()).isEqualTo("near_threshold");
    assertThat(d.master().outcome()).isEqualTo("overruled");
    assertThat(fake.chatCount()).isEqualTo(1);

    // With the band off, the abstention stands and the master is not asked.
    RoutingSettings off = strict.settings().withMasterBand(0);
    RouteDecision kept = new PolicyRouter(strict, master, off).route(CHEF_QUERY, Map.of());
    assertThat(kept).isInstanceOf(RouteDecision.Abstained.class);
    assertThat(kept.master()).isEqualTo(MasterVerdict.NOT_ASKED);
    assertThat(fake.chatCount()).isEqualTo(1);
  }

  @Test
  void onAnAbstentionTheMastersPickAnswersEvenWhenItWasNotTheTopScore() {
    SemanticRouter strict = withThreshold(chefTop() + 0.01);
    fake.replyStructured(req -> "{\"specialist\":\"billing\",\"confidence\":0.1}");

    RouteDecision d =
        new PolicyRouter(strict, master, strict.settings()).route(CHEF_QUERY, Map.of());

    // chef scored highest but below the threshold; nobody chose it.
    assertThat(d.specialist()).contains("billing");
    assertThat(d.confidence()).isEqualTo(0.1);
    assertThat(d.margin()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void theBandIsMeasuredOnTheFitNotOnAScoreALearnedWeightLifted() {
    // A high trait weight lifts chef's score (prior > 1) but never its fit: the band follows the
    // fit, which is what the threshold is compared with.
    SemanticRouter strict = withThreshold(chefTop() + 0.01);
    Map<String, Double> boosted = Map.of("chef", 0.6); // prior 1.2^0.5: lifts the score by ~0.07
    RouteDecision s = strict.route(CHEF_QUERY, boosted);
    assertThat(s).isInstanceOf(RouteDecision.Abstained.class);
    assertThat(s.scores().get("chef")).isGreaterThan(strict.threshold() + 0.03);
    assertThat(s.fit()).isCloseTo(chefTop(), org.assertj.core.api.Assertions.within(1e-9));
    fake.replyStructured(req -> "{\"specialist\":\"chef\",\"confidence\":0.9}");

    RouteDecision d =
        new PolicyRouter(strict, master, strict.settings()).route(CHEF_QUERY, boosted);

    assertThat(d.master().trigger()).isEqualTo("near_threshold");
    assertThat(d.specialist()).contains("chef");
  }

  @Test
  void aChoiceJustOverTheThresholdAsksTheMasterWhichMaySayNone() {
    SemanticRouter lenient = withThreshold(chefTop() - 0.01);
    fake.replyStructured(req -> "{\"specialist\":\"none\",\"confidence\":0.7}");

    RouteDecision d =
        new PolicyRouter(lenient, master, lenient.settings()).route(CHEF_QUERY, Map.of());

    assertThat(d).isInstanceOf(RouteDecision.Abstained.class);
    assertThat(d.master().trigger()).isEqualTo("near_threshold");
    assertThat(d.master().outcome()).isEqualTo("none");
    assertThat(((RouteDecision.Abstained) d).reason()).contains("master: no specialist fits");
  }

  @Test
  void aMasterThatFailsNearTheThresholdLeavesTheAbstention() {
    SemanticRouter strict = withThreshold(chefTop() + 0.01);
    fake.replyStructured(req -> "not json at all");

    RouteDecision d =
        new PolicyRouter(strict, master, strict.settings()).route(CHEF_QUERY, Map.of());

    assertThat(d).isInstanceOf(RouteDecision.Abstained.class);
    assertThat(d.master().asked()).isTrue();
    assertThat(d.master().outcome()).isEqualTo("garbage");
    assertThat(d.master().trigger()).isEqualTo("near_threshold");
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @BeforeEach
  void startFake() {
    fake = FakeVllm.start();
    // Generous: a loaded CI machine must not turn a slow answer into a timeout.
    master = master(Duration.ofSeconds(10));
  }

  private MasterModel master(Duration readTimeout) {
    var backend =
        new OpenAiChatBackend(
            new BackendSettings(fake.baseUrl(), Duration.ofSeconds(2), readTimeout, null));
    return new MasterModel(backend, "", semanticSpecialists());
  }

  @AfterEach
  void stopFake() {
    fake.close();
  }

  @Test
  void clearCaseIsDecidedWithoutTheMaster() {
    RouteDecision d = policy(RoutingMode.HYBRID).route("a recipe for roast chicken", Map.of());
    assertThat(d.specialist()).contains("chef");
    assertThat(d.method()).isEqualTo(RouteMethod.SEMANTIC);
    assertThat(d.master()).isEqualTo(MasterVerdict.NOT_ASKED);
    assertThat(fake.chatCount()).isZero();
  }

  @Test
  void closeCallAsksTheMasterThroughJsonSchemaAndTakesItsPick() {
    fake.replyStructured(req -> "{\"specialist\":\"invoices\",\"confidence\":0.8}");
    RouteDecision d = policy(RoutingMode.HYBRID).route(MONEY_QUERY, Map.of());

    assertThat(d.specialist()).contains("invoices");
    assertThat(d.method()).isEqualTo(RouteMethod.HYBRID);
    assertThat(d.confidence()).isEqualTo(0.8);
    // Tie broken by name before the master: billing was the semantic pick.
    assertThat(d.master().outcome()).isEqualTo("overruled");
    assertThat(d.master().trigger()).isEqualTo("close_race");
    assertThat(d.master().choice()).isEqualTo("invoices");
    assertThat(d.scores().get("invoices") - d.scores().get("billing")).isEqualTo(0.5 * 0.8);
    assertThat(d.margin()).isEqualTo(0.5 * 0.8);

    JsonNode req = fake.lastRequest();
    JsonNode format = req.path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    JsonNode props = format.path("json_schema").path("schema").path("properties");
    List<String> names = new ArrayList<>();
    props.path("specialist").path("enum").forEach(n -> names.add(n.asText()));
    assertThat(names).containsExactlyInAnyOrder("billing", "invoices", "chef", "none");
    assertThat(props.has("confidence")).isTrue();
    for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
      assertThat(it.next()).doesNotStartWith("guided_");
    }
    assertThat(req.path("temperature").asDouble()).isZero();
  }

  @Test
  void masterThatHangsFallsBackToTheSemanticDecisionAndSaysSo() {
    fake.hangNext();
    master = master(Duration.ofMillis(300));
    RouteDecision d = policy(RoutingMode.HYBRID).route(MONEY_QUERY, Map.of());
    assertThat(d.specialist()).contains("billing");
    assertThat(d.method()).isEqualTo(RouteMethod.SEMANTIC);
    assertThat(d.master().asked()).isTrue();
    assertThat(d.master().outcome()).isEqualTo("timeout");
    assertThat(d.scores()).isEqualTo(semantic.route(MONEY_QUERY, Map.of()).scores());
  }

  @Test
  void garbageAnswersAreRejectedAndTheSemanticDecisionStands() {
    for (String garbage :
        List.of(
            "I think billing",
            "{\"specialist\":\"pirate\",\"confidence\":0.9}",
            "{\"specialist\":\"invoices\"}",
            "{\"specialist\":\"invoices\",\"confidence\":7}",
            "[\"invoices\"]")) {
      fake.replyStructured(req -> garbage);
      RouteDecision d = policy(RoutingMode.HYBRID).route(MONEY_QUERY, Map.of());
      assertThat(d.specialist()).as(garbage).contains("billing");
      assertThat(d.master().outcome()).as(garbage).isEqualTo("garbage");
      assertThat(d.master().detail()).as(garbage).isNotEmpty();
    }
  }

  @Test
  void serverErrorFallsBackAsFailed() {
    fake.failAlways(500, "InternalServerError", "boom");
    RouteDecision d = policy(RoutingMode.MASTER).route("bake me a cake", Map.of());
    assertThat(d.specialist()).contains("chef");
    assertThat(d.master().outcome()).isEqualTo("failed");
  }

  @Test
  void masterNoneAbstainsWithTheReason() {
    fake.replyStructured(req -> "{\"specialist\":\"none\",\"confidence\":0.7}");
    RouteDecision d = policy(RoutingMode.HYBRID).route(MONEY_QUERY, Map.of());
    assertThat(d).isInstanceOf(RouteDecision.Abstained.class);
    assertThat(((RouteDecision.Abstained) d).reason())
        .isEqualTo("master: no specialist fits (confidence 0.70)");
    assertThat(d.master().outcome()).isEqualTo("none");
  }

  @Test
  void masterModeAsksEveryTimeAndTakesThePick() {
    fake.replyStructured(req -> "{\"specialist\":\"invoices\",\"confidence\":0.1}");
    RouteDecision d = policy(RoutingMode.MASTER).route("a recipe for roast chicken", Map.of());
    assertThat(d.specialist()).contains("invoices");
    assertThat(d.method()).isEqualTo(RouteMethod.MASTER);
    assertThat(fake.chatCount()).isEqualTo(1);
  }

  @Test
  void semanticModeNeverAsks() {
    RouteDecision d = policy(RoutingMode.SEMANTIC).route(MONEY_QUERY, Map.of());
    assertThat(d.specialist()).contains("billing");
    assertThat(fake.chatCount()).isZero();
  }

  @Test
  void sameInputsGiveTheSameDecision() {
    fake.replyStructured(req -> "{\"specialist\":\"invoices\",\"confidence\":0.6}");
    PolicyRouter p = policy(RoutingMode.HYBRID);
    RouteDecision first = p.route(MONEY_QUERY, Map.of("billing", 0.6));
    assertThat(p.route(MONEY_QUERY, Map.of("billing", 0.6))).isEqualTo(first);
    assertThat(p.routeAll(List.of(MONEY_QUERY, ""), Map.of("billing", 0.6)).getFirst())
        .isEqualTo(first);
  }

  @Test
  void disabledSpecialistIsNeverChosenNorOffered() {
    fake.replyStructured(req -> "{\"specialist\":\"billing\",\"confidence\":0.9}");
    PolicyRouter p = policy(RoutingMode.HYBRID, "", List.of("billing"));
    RouteDecision d = p.route(MONEY_QUERY, Map.of());
    assertThat(d.specialist()).contains("invoices");
    assertThat(d.scores().get("billing")).isZero();
    assertThat(d.master().asked()).isFalse(); // invoices wins clearly once billing scores 0
  }

  @Test
  void pinnedSpecialistAlwaysAnswers() {
    RouteDecision d = policy(RoutingMode.HYBRID, "chef", List.of()).route(MONEY_QUERY, Map.of());
    assertThat(d.specialist()).contains("chef");
    assertThat(d.method()).isEqualTo(RouteMethod.PINNED);
    assertThat(d.scores()).hasSize(3);
    assertThat(fake.chatCount()).isZero();
  }

  @Test
  void unknownPinnedOrDisabledNamesAreConfigErrors() {
    assertThatThrownBy(() -> policy(RoutingMode.HYBRID, "pirate", List.of()))
        .isInstanceOf(SettingException.class)
        .hasMessageStartingWith("pinned must be one of");
    assertThatThrownBy(() -> policy(RoutingMode.HYBRID, "", List.of("pirate")))
        .isInstanceOf(SettingException.class)
        .hasMessageStartingWith("disabled must be one of");
    assertThatThrownBy(
            () ->
                ConfigException.under(
                    "routing.", () -> policy(RoutingMode.HYBRID, "pirate", List.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("routing.pinned must be one of");
  }

  private PolicyRouter policy(RoutingMode mode) {
    return policy(mode, "", List.of());
  }

  private PolicyRouter policy(RoutingMode mode, String pinned, List<String> disabled) {
    RoutingSettings s = semantic.settings();
    return new PolicyRouter(semantic, master, s.withMode(mode).withPins(pinned, disabled));
  }

  private static List<SpecialistConfig> semanticSpecialists() {
    return semantic.specialists().stream().map(n -> specialist(n, MONEY)).toList();
  }

  static SpecialistConfig specialist(String name, List<String> exemplars) {
    return new SpecialistConfig(name, "", name, null, "", exemplars, Decoding.DEFAULT, 0.5, null);
  }
}
