package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nyx.config.ConfigLoader;
import io.nyx.config.SpecialistsYaml;
import io.nyx.evaluation.Labeled;
import io.nyx.memory.Embedder;
import io.nyx.memory.LocalModel;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.memory.OnnxEmbedder;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.testing.LabeledSets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ranking model (bge-small-en-v1.5 beside MiniLM, both real, in process) orders the specialists
 * that fit and gives a second opinion before abstaining: a query is abstained on only where MiniLM
 * alone abstains (with the same fit) and BGE's own router does too, and where BGE's router finds a
 * fit for a query MiniLM abstains on, its choice is taken. Measured with eval-route
 * (docs/routing.md): on the 100 confusable intents' tune and test splits in-scope accuracy 0.725 →
 * 0.783 and 0.830 → 0.855 with wrong abstentions 10.8 → 5.3 % and 3.5 → 2.0 %, on the shipped five
 * 0.933 → 0.960; the floors sit a few queries below.
 */
class RankingModelTest {
  private static Embedder miniLm;
  private static Embedder bge;

  @BeforeAll
  static void load() {
    miniLm = new MiniLmEmbedder();
    bge = new OnnxEmbedder(LocalModel.BGE_SMALL);
  }

  @AfterAll
  static void close() {
    miniLm.close();
    bge.close();
  }

  @Test
  void abstainsWhereTheEmbedderAloneDoesAndRoutesMoreQueriesRight() {
    List<SpecialistConfig> hundred =
        SpecialistsYaml.parse(LabeledSets.text("hundred-intents.yaml"));
    List<Labeled> set = new ArrayList<>(LabeledSets.read("hundred-intents-tune.jsonl"));
    set.addAll(LabeledSets.read("hundred-intents-test.jsonl"));

    double[] accuracy = compare(hundred, set, RoutingSettings.DEFAULT);

    assertThat(accuracy[1]).as("in-scope accuracy with the ranking model").isGreaterThan(0.80);
    assertThat(accuracy[1]).isGreaterThanOrEqualTo(accuracy[0] + 0.025);
    assertThat(accuracy[3])
        .as("wrongly abstained with the second opinion")
        .isLessThan(accuracy[2] * 0.7);
  }

  /**
   * Where every specialist MiniLM admits is excluded (disabled), a learned choice gets what BGE's
   * router admits instead, as a decision would get its second opinion: never an excluded one, and
   * only specialists over BGE's own threshold.
   */
  @Test
  void withTheAdmittedExcludedTheBanditGetsWhatTheSecondOpinionAdmits() {
    List<SpecialistConfig> five = ConfigLoader.load(Map.of(), Map.of()).specialists();
    SemanticRouter router = ranked(five);
    SemanticRouter bgeAlone = new SemanticRouter(bge, five, RoutingSettings.DEFAULT);
    int fellBack = 0;
    for (Labeled q : LabeledSets.read("default-labeled.jsonl")) {
      java.util.Set<String> admitted = java.util.Set.copyOf(router.admissible(q.text(), 0.05));
      if (admitted.isEmpty()) {
        continue;
      }
      List<String> instead = router.admissible(q.text(), 0.05, admitted);
      assertThat(instead).as(q.text()).doesNotContainAnyElementsOf(admitted);
      assertThat(bgeAlone.admissible(q.text(), 1.0)).as(q.text()).containsAll(instead);
      fellBack += instead.isEmpty() ? 0 : 1;
    }
    assertThat(fellBack).as("queries where BGE admitted another").isPositive();
  }

  /**
   * A configured threshold is on MiniLM's scale, which BGE's similarities do not share: it is not
   * asked, and every abstention is MiniLM's.
   */
  @Test
  void withAConfiguredThresholdNoSecondOpinionIsAsked() {
    List<SpecialistConfig> hundred =
        SpecialistsYaml.parse(LabeledSets.text("hundred-intents.yaml"));
    RoutingSettings fixed = RoutingSettings.DEFAULT.withThreshold(0.45);

    double[] accuracy = compare(hundred, LabeledSets.read("hundred-intents-test.jsonl"), fixed);

    assertThat(accuracy[3]).isEqualTo(accuracy[2]);
  }

  @Test
  void theShippedFiveGainToo() {
    List<SpecialistConfig> five = ConfigLoader.load(Map.of(), Map.of()).specialists();

    double[] accuracy =
        compare(five, LabeledSets.read("default-labeled.jsonl"), RoutingSettings.DEFAULT);

    assertThat(accuracy[1]).as("in-scope accuracy with the ranking model").isGreaterThan(0.95);
    assertThat(accuracy[1]).isGreaterThan(accuracy[0]);
  }

  /**
   * Learned exemplars move the ranking model's centroids as written ones do: a route whose last
   * exemplars were learned ranks every query as the route with them written in its file.
   */
  @Test
  void learnedExemplarsRankAsWrittenOnes() {
    List<SpecialistConfig> written = SpecialistsYaml.parse(LabeledSets.text("banking77.yaml"));
    List<SpecialistConfig> fewer = new ArrayList<>();
    Map<String, List<String>> learned = new java.util.LinkedHashMap<>();
    for (SpecialistConfig s : written) {
      List<String> e = s.exemplars();
      fewer.add(
          new SpecialistConfig(
              s.name(),
              s.description(),
              s.adapter(),
              s.context(),
              s.promptTemplate(),
              e.subList(0, 6),
              s.decoding(),
              s.initialWeight(),
              s.backendUrl(),
              s.reward()));
      learned.put(s.name(), e.subList(6, e.size()));
    }
    SemanticRouter asWritten = ranked(written);
    SemanticRouter asLearned = ranked(fewer);
    asLearned.useLearned(learned);
    List<String> queries =
        LabeledSets.read("banking77-test.jsonl").stream().limit(120).map(Labeled::text).toList();

    List<RouteDecision> a = asWritten.routeAll(queries, Map.of());
    List<RouteDecision> b = asLearned.routeAll(queries, Map.of());

    for (int i = 0; i < queries.size(); i++) {
      assertThat(b.get(i).scores().keySet()).containsExactlyElementsOf(a.get(i).scores().keySet());
      for (var e : a.get(i).scores().entrySet()) {
        assertThat(b.get(i).scores().get(e.getKey())).isCloseTo(e.getValue(), within(1e-6));
      }
    }
  }

  @Test
  void rankingScoresTakeTheFitsMeanAndSpreadAndKeepTheirOrder() {
    double[] ranking = {0.82, 0.74, 0.79, 0.61};
    double[] fits = {0.20, 0.55, 0.31, 0.10};

    double[] scaled = RankingModel.onScaleOf(ranking, fits);

    assertThat(mean(scaled)).isCloseTo(mean(fits), within(1e-12));
    assertThat(spread(scaled)).isCloseTo(spread(fits), within(1e-12));
    assertThat(scaled[0]).isGreaterThan(scaled[2]);
    assertThat(scaled[2]).isGreaterThan(scaled[1]);
    assertThat(scaled[1]).isGreaterThan(scaled[3]);
    assertThat(RankingModel.onScaleOf(new double[] {0.7, 0.7}, new double[] {0.3, 0.1}))
        .containsExactly(0.3, 0.1);
  }

  private static double mean(double[] x) {
    return java.util.Arrays.stream(x).average().orElseThrow();
  }

  private static double spread(double[] x) {
    double m = mean(x);
    return Math.sqrt(java.util.Arrays.stream(x).map(v -> (v - m) * (v - m)).sum() / x.length);
  }

  /**
   * In-scope accuracy of MiniLM alone and with the ranking model, then the share of in-scope
   * queries each wrongly abstains on; every decision checked against MiniLM's and BGE's alone.
   */
  private static double[] compare(
      List<SpecialistConfig> specialists, List<Labeled> set, RoutingSettings settings) {
    List<String> texts = set.stream().map(Labeled::text).toList();
    List<RouteDecision> alone =
        new SemanticRouter(miniLm, specialists, settings).routeAll(texts, Map.of());
    List<RouteDecision> second =
        new SemanticRouter(bge, specialists, settings).routeAll(texts, Map.of());
    SemanticRouter router = ranked(specialists, settings);
    List<RouteDecision> ranked = router.routeAll(texts, Map.of());
    int in = 0;
    int[] right = new int[2];
    int[] abstained = new int[2];
    int single = 0;
    for (int i = 0; i < set.size(); i++) {
      boolean asked = ranked.get(i).method() == RouteMethod.SECOND_OPINION || isBoth(ranked.get(i));
      if (asked && single++ < 12) { // routed one at a time, the second opinion decides the same
        assertThat(router.route(texts.get(i), Map.of())).isEqualTo(ranked.get(i));
      }
      RouteDecision a = alone.get(i);
      RouteDecision r = ranked.get(i);
      checkAgainstBoth(texts.get(i), a, second.get(i), r, router, settings);
      String label = set.get(i).label();
      if (!label.equals("none")) {
        in++;
        right[0] += a.specialist().filter(label::equals).isPresent() ? 1 : 0;
        right[1] += r.specialist().filter(label::equals).isPresent() ? 1 : 0;
        abstained[0] += a.specialist().isEmpty() ? 1 : 0;
        abstained[1] += r.specialist().isEmpty() ? 1 : 0;
      }
    }
    return new double[] {
      (double) right[0] / in,
      (double) right[1] / in,
      (double) abstained[0] / in,
      (double) abstained[1] / in
    };
  }

  private static boolean isBoth(RouteDecision d) {
    return d instanceof RouteDecision.Abstained a && a.reason().contains("; bge-small");
  }

  /**
   * {@code r} abstains, with MiniLM's fit, only where MiniLM alone ({@code a}) does and (with a
   * calibrated threshold) BGE alone ({@code b}) does too; where MiniLM abstains and BGE does not,
   * it is BGE's choice, by second opinion, cleared by the margin BGE cleared its own threshold by,
   * and one a learned choice (the contextual bandit) may pick too.
   */
  private static void checkAgainstBoth(
      String text,
      RouteDecision a,
      RouteDecision b,
      RouteDecision r,
      SemanticRouter router,
      RoutingSettings settings) {
    if (a instanceof RouteDecision.Chosen) {
      assertThat(r.method()).as(text).isEqualTo(RouteMethod.SEMANTIC);
      assertThat(r.fit()).as(text).isGreaterThanOrEqualTo(router.threshold());
    } else if (b instanceof RouteDecision.Chosen c && settings.autoThreshold()) {
      assertThat(r.method()).as(text).isEqualTo(RouteMethod.SECOND_OPINION);
      assertThat(r.specialist()).as(text).contains(c.name());
      assertThat(r.fit()).as(text).isGreaterThanOrEqualTo(router.threshold());
      assertThat(router.admissible(text, 0.05))
          .as("a learned choice may keep it")
          .contains(c.name());
    } else {
      assertThat(r).as(text).isInstanceOf(RouteDecision.Abstained.class);
      assertThat(r.fit()).as(text).isCloseTo(a.fit(), within(1e-9));
      String reason = ((RouteDecision.Abstained) r).reason();
      assertThat(reason).startsWith(((RouteDecision.Abstained) a).reason());
      if (!settings.autoThreshold()) {
        assertThat(reason).isEqualTo(((RouteDecision.Abstained) a).reason());
      } else if (text.length() < 100) { // short enough to be asked: both models' reasons
        assertThat(reason).contains("; bge-small-en-v1.5-q: best score");
      }
    }
  }

  private static SemanticRouter ranked(List<SpecialistConfig> specialists) {
    return ranked(specialists, RoutingSettings.DEFAULT);
  }

  private static SemanticRouter ranked(
      List<SpecialistConfig> specialists, RoutingSettings settings) {
    return new SemanticRouter(miniLm, bge, specialists, settings, ExemplarCache.inMemory());
  }
}
