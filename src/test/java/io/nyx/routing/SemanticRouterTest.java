package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nyx.config.SpecialistsYaml;
import io.nyx.evaluation.Labeled;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.testing.LabeledSets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped specialists with the real embedder: what users will actually get. */
class SemanticRouterTest {
  private static MiniLmEmbedder embedder;
  private static List<SpecialistConfig> defaults;
  private static SemanticRouter router;

  @BeforeAll
  static void build() {
    embedder = new MiniLmEmbedder();
    defaults = SpecialistsYaml.defaults();
    router = new SemanticRouter(embedder, defaults, RoutingSettings.DEFAULT);
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Do you remember what I told you about my brother's wedding plans? | mnemosyne",
        "If I accept the job abroad, how is my life likely to look in five years? | moira",
        "Is it true that the Eiffel Tower grows taller in summer? | aletheia",
        "My essay is due at 9 tomorrow morning and I haven't started, plan my evening | kairos",
        "I feel hopeless and I have been thinking about ending my life | eleos",
      })
  void clearCasesGoToTheRightSpecialist(String query, String expected) {
    RouteDecision d = router.route(query, Map.of());
    assertThat(d).isInstanceOf(RouteDecision.Chosen.class);
    assertThat(d.specialist()).contains(expected);
    assertThat(d.method()).isEqualTo(RouteMethod.SEMANTIC);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Write a Python function that reverses a linked list",
        "What's a good recipe for banana bread with walnuts?",
        "How do I make a fluffy pancake batter?",
      })
  void unrelatedTextAbstainsWithAReason(String query) {
    RouteDecision d = router.route(query, Map.of());
    assertThat(d).isInstanceOf(RouteDecision.Abstained.class);
    assertThat(d.specialist()).isEmpty();
    String reason = ((RouteDecision.Abstained) d).reason();
    assertThat(reason)
        .matches("best score 0\\.\\d\\d \\([a-z]+\\) below threshold 0\\.\\d\\d")
        .endsWith(String.format(java.util.Locale.ROOT, "%.2f", router.threshold()));
    String best = d.scores().keySet().iterator().next();
    assertThat(reason).contains("(" + best + ")");
  }

  @Test
  void blankQueryAbstainsWithoutEmbedding() {
    RouteDecision d = router.route("  ", Map.of());
    assertThat(d).isEqualTo(router.route("", Map.of()));
    assertThat(((RouteDecision.Abstained) d).reason()).isEqualTo("empty query");
    assertThat(d.scores()).containsOnlyKeys("aletheia", "eleos", "kairos", "mnemosyne", "moira");
  }

  @Test
  void decisionCarriesOrderedScoresMarginAndConfidence() {
    RouteDecision d =
        router.route("Can you fact-check this quote attributed to Churchill?", Map.of());
    RouteDecision.Chosen c = (RouteDecision.Chosen) d;
    List<Double> scores = new ArrayList<>(c.scores().values());
    assertThat(c.scores()).hasSize(5);
    assertThat(scores).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(scores).allSatisfy(s -> assertThat(s).isBetween(0.0, 1.0));
    assertThat(c.margin()).isCloseTo(scores.get(0) - scores.get(1), within(1e-12));
    assertThat(c.confidence()).isBetween(0.0, 1.0);
  }

  @Test
  void heldOutAccuracyStaysAboveTheMeasuredFloor() {
    // Measured with the defaults (calibrated threshold 0.18): in-scope 0.993 not abstained, 75% of
    // out-of-scope ones abstained (the hand-set 0.25 of the foundation wrongly abstained on 4.7%).
    // A drop below these floors means the exemplars, the scoring or the defaults got worse.
    List<Labeled> set = labeled();
    List<RouteDecision> ds = router.routeAll(set.stream().map(Labeled::text).toList(), Map.of());
    int correct = 0;
    int inScope = 0;
    int wronglyAbstained = 0;
    int outOfScope = 0;
    int abstainedOutOfScope = 0;
    for (int i = 0; i < set.size(); i++) {
      String got = ds.get(i).specialist().orElse("none");
      String want = set.get(i).label();
      correct += got.equals(want) ? 1 : 0;
      if (want.equals("none")) {
        outOfScope++;
        abstainedOutOfScope += got.equals("none") ? 1 : 0;
      } else {
        inScope++;
        wronglyAbstained += got.equals("none") ? 1 : 0;
      }
    }
    assertThat(inScope).isEqualTo(150);
    assertThat(outOfScope).isEqualTo(60);
    assertThat(correct / (double) set.size()).as("accuracy").isGreaterThanOrEqualTo(0.84);
    assertThat(wronglyAbstained / (double) inScope).as("in-scope abstained").isLessThan(0.02);
    assertThat(abstainedOutOfScope / (double) outOfScope).as("oos recall").isGreaterThan(0.70);
  }

  @Test
  void sameInputGivesIdenticalDecision() {
    String q = "should I tell my friend the truth about her husband, what happens after?";
    Map<String, Double> w = Map.of("moira", 0.6, "aletheia", 0.4);
    RouteDecision first = router.route(q, w);
    assertThat(router.route(q, w)).isEqualTo(first);
    SemanticRouter rebuilt = new SemanticRouter(embedder, defaults, RoutingSettings.DEFAULT);
    assertThat(rebuilt.route(q, w)).isEqualTo(first);
  }

  @Test
  void raisedTraitWeightFlipsACloseDecision() {
    String q = "I keep missing deadlines at work and I feel like a complete failure";
    RouteDecision before = router.route(q, Map.of());
    List<String> ranked = new ArrayList<>(before.scores().keySet());
    String top = ranked.get(0);
    String runnerUp = ranked.get(1);
    // Precondition: close enough that weight 0.9 (prior (0.9/0.5)^0.5 = 1.34) can flip it.
    assertThat(before.scores().get(runnerUp) * Math.sqrt(0.9 / 0.5))
        .isGreaterThan(before.scores().get(top));

    RouteDecision after = router.route(q, Map.of(runnerUp, 0.9));
    assertThat(after.specialist()).contains(runnerUp);
    assertThat(after.scores().get(top)).isEqualTo(before.scores().get(top));
  }

  @Test
  void weightZeroNeverWins() {
    for (String q :
        List.of(
            "I've been having dark thoughts and I'm scared of what I might do",
            "Verify whether this statistic about crime rates is accurate",
            "what did I tell you my favourite band was?")) {
      String winner = router.route(q, Map.of()).specialist().orElseThrow();
      RouteDecision d = router.route(q, Map.of(winner, 0.0));
      assertThat(d.specialist().orElse("none")).isNotEqualTo(winner);
      assertThat(d.scores().get(winner)).isZero();
    }
    Map<String, Double> zeros =
        defaults.stream().collect(Collectors.toMap(SpecialistConfig::name, s -> 0.0));
    assertThat(router.route("I feel so alone tonight", zeros))
        .isInstanceOf(RouteDecision.Abstained.class);
  }

  @Test
  void missingWeightMeansTheInitialWeight() {
    List<SpecialistConfig> boosted =
        defaults.stream()
            .map(s -> s.name().equals("kairos") ? withInitialWeight(s, 0.9) : s)
            .toList();
    SemanticRouter r = new SemanticRouter(embedder, boosted, RoutingSettings.DEFAULT);
    String q = "I keep missing deadlines at work and I feel like a complete failure";
    assertThat(r.route(q, Map.of())).isEqualTo(router.route(q, Map.of("kairos", 0.9)));
    assertThat(r.route(q, Map.of("kairos", 0.5))).isEqualTo(router.route(q, Map.of()));
  }

  @Test
  void routeAllEqualsRoutingOneByOne() {
    List<String> queries = new ArrayList<>(labeled().stream().map(Labeled::text).toList());
    queries.add(3, "");
    queries.add(" ");
    Map<String, Double> w = Map.of("eleos", 0.7, "moira", 0.35);
    List<RouteDecision> batch = router.routeAll(queries, w);
    assertThat(batch).hasSize(queries.size());
    for (int i = 0; i < queries.size(); i++) {
      assertThat(batch.get(i)).as(queries.get(i)).isEqualTo(router.route(queries.get(i), w));
    }
  }

  @Test
  void traitWeightOutsideUnitIntervalIsRejected() {
    assertThatThrownBy(() -> router.route("hello", Map.of("eleos", 1.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trait weight of eleos must be in [0,1] but was 1.5");
  }

  private static SpecialistConfig withInitialWeight(SpecialistConfig s, double w) {
    return new SpecialistConfig(
        s.name(),
        s.description(),
        s.adapter(),
        s.context(),
        s.promptTemplate(),
        s.exemplars(),
        s.decoding(),
        w,
        s.backendUrl());
  }

  static List<Labeled> labeled() {
    return LabeledSets.read("default-labeled.jsonl");
  }
}
