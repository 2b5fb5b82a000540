package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nyx.config.SpecialistsYaml;
import io.nyx.evaluation.Labeled;
import io.nyx.memory.CachingEmbedder;
import io.nyx.memory.Embedder;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.routing.SemanticRouter.LearnedText;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.testing.LabeledSets;
import io.nyx.testing.WordEmbedder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The abstention threshold calibrated from learned exemplars (split conformal, {@link
 * SemanticRouter}): it lowers the operator's calibration when real questions are worded unlike the
 * exemplars, never raises it, waits for enough of them, and leaves a configured threshold alone.
 * The fast path (one pass per learned exemplar over the shared index) is checked against a slow
 * reference that rebuilds the learned set as it was when each exemplar came and routes it.
 */
class TrafficCalibrationTest {
  /** Token matching off, so the bag-of-words embedder's similarities are the whole score. */
  static final RoutingSettings AUTO = RoutingSettings.DEFAULT.withTokenWeight(0);

  /** Three routes whose exemplars were written alike: their leave-one-out scores are high. */
  static final List<SpecialistConfig> ALIKE =
      List.of(
          ExemplarLearningTest.spec(
              "kairos", "what time is it now", "what time is it now please", "time now what is it"),
          ExemplarLearningTest.spec(
              "moira",
              "will it rain tomorrow",
              "will it rain tomorrow too",
              "tomorrow rain will it"),
          ExemplarLearningTest.spec(
              "hermes",
              "send a parcel today",
              "send a parcel today please",
              "parcel send today a"));

  static final String[] KAIROS = {"clock", "hour", "late", "early", "minutes", "soon", "watch"};
  static final String[] MOIRA = {"umbrella", "storm", "sunny", "cloudy", "wind", "snow"};

  @Test
  void questionsWordedUnlikeTheExemplarsLowerItToTheirConformalQuantile() {
    SemanticRouter router = new SemanticRouter(new WordEmbedder(), ALIKE, AUTO);
    double operator = router.threshold();
    Map<String, List<String>> learned = worded(128); // 256 questions: k = floor(0.02 * 257) = 5

    router.useLearned(learned);

    double expected = slowConformal(learned, AUTO, 5);
    assertThat(expected).isLessThan(operator);
    assertThat(router.threshold()).isCloseTo(expected, within(1e-6));
    assertThat(router.thresholds().fromLearned()).hasValueCloseTo(expected, within(1e-6));
    assertThat(router.operatorThreshold()).isEqualTo(operator);
    // the questions worded like those learned, which the exemplars' calibration abstained on,
    // are now routed
    String unseen = "clock hour late today";
    assertThat(
            new SemanticRouter(new WordEmbedder(), ALIKE, AUTO)
                .route(unseen, Map.of())
                .specialist())
        .isEmpty();
    assertThat(router.route(unseen, Map.of()).specialist()).hasValue("kairos");
  }

  @Test
  void theNewestQuestionsCalibrateIt() {
    SemanticRouter router = new SemanticRouter(new WordEmbedder(), ALIKE, AUTO);
    List<LearnedText> learned = new ArrayList<>();
    for (int i = 0; i < 40; i++) { // old questions that shared nothing with the route
      learned.add(new LearnedText("hermes", "courier stamps box label envelope n" + i));
    }
    worded(128)
        .forEach((route, texts) -> texts.forEach(t -> learned.add(new LearnedText(route, t))));

    router.useLearned(learned);

    double[] all = asTheyCame(new WordEmbedder(), ALIKE, learned, AUTO);
    double[] newest =
        Arrays.copyOfRange(all, all.length - SemanticRouter.MAX_TRAFFIC_CALIBRATION, all.length);
    Arrays.sort(newest);
    assertThat(router.thresholds().fromLearned()).hasValueCloseTo(newest[4], within(1e-6));
    Arrays.sort(all);
    assertThat(all[4]).isLessThan(newest[4]); // the old ones would have dragged it down
  }

  @Test
  void aLargerQuantileTakesALaterOrderStatistic() {
    RoutingSettings q10 = AUTO.withAbstainQuantile(0.1);
    SemanticRouter router = new SemanticRouter(new WordEmbedder(), ALIKE, q10);
    Map<String, List<String>> learned = worded(30); // k = floor(0.1 * 61) = 6

    router.useLearned(learned);

    assertThat(router.threshold())
        .isCloseTo(
            Math.min(router.operatorThreshold(), slowConformal(learned, q10, 6)), within(1e-6));
  }

  @Test
  void tooFewLearnedQuestionsLeaveItWhereTheExemplarsPutIt() {
    SemanticRouter router = new SemanticRouter(new WordEmbedder(), ALIKE, AUTO);
    double operator = router.threshold();
    Map<String, List<String>> learned = worded(124); // 248: k = floor(0.02 * 249) = 4

    router.useLearned(learned);
    assertThat(router.threshold()).isEqualTo(operator);
    assertThat(router.thresholds().fromLearned()).isEmpty();

    learned.get("moira").add("tomorrow storm and wind");
    router.useLearned(learned); // 249: k = 5, the fewest that may move it
    assertThat(router.threshold()).isLessThan(operator);

    router.useLearned(Map.of()); // all removed: back to the operator's calibration
    assertThat(router.threshold()).isEqualTo(operator);
  }

  @Test
  void questionsWordedLikeTheExemplarsNeverRaiseIt() {
    RoutingSettings q10 = AUTO.withAbstainQuantile(0.1); // 60 questions: k = 6
    SemanticRouter router = new SemanticRouter(new WordEmbedder(), ALIKE, q10);
    double operator = router.threshold();
    List<String> same = new ArrayList<>(); // an exemplar's words, each said k times: cosine 1
    for (int k = 1; k <= 60; k++) {
      same.add("what time is it now ".repeat(k).strip());
    }
    Map<String, List<String>> learned = Map.of("kairos", same);

    router.useLearned(learned);

    assertThat(slowConformal(learned, q10, 6)).isGreaterThan(operator);
    assertThat(router.thresholds().fromLearned())
        .hasValueCloseTo(slowConformal(learned, q10, 6), within(1e-6));
    assertThat(router.threshold()).isEqualTo(operator);
  }

  @Test
  void aConfiguredThresholdNeverMoves() {
    SemanticRouter router = new SemanticRouter(new WordEmbedder(), ALIKE, AUTO.withThreshold(0.4));

    router.useLearned(worded(130));

    assertThat(router.threshold()).isEqualTo(0.4);
  }

  /**
   * The 100-intent set, whose exemplars were written by one hand and its queries as others would
   * ask: calibrated on the exemplars alone, real MiniLM wrongly abstains on 3.5 % of the test
   * split's in-scope queries. With the tune split's in-scope queries learned (real questions, none
   * of them in the test split) it holds the configured 2 %.
   */
  @Test
  void onTheHundredIntentSetLearnedQuestionsBringWrongAbstentionsUnderTheShare() {
    try (MiniLmEmbedder minilm = new MiniLmEmbedder()) {
      Embedder embedder = new CachingEmbedder(minilm, 4096);
      List<SpecialistConfig> intents =
          SpecialistsYaml.parse(LabeledSets.text("hundred-intents.yaml"));
      SemanticRouter router = new SemanticRouter(embedder, intents, RoutingSettings.DEFAULT);
      List<Labeled> test = LabeledSets.read("hundred-intents-test.jsonl");
      double before = wronglyAbstained(router, test);

      Map<String, List<String>> learned = new LinkedHashMap<>();
      for (Labeled q : LabeledSets.read("hundred-intents-tune.jsonl")) {
        if (!q.label().equals("none")) {
          learned.computeIfAbsent(q.label(), k -> new ArrayList<>()).add(q.text());
        }
      }
      router.useLearned(learned);

      assertThat(before).isGreaterThan(0.03);
      assertThat(router.threshold()).isLessThan(router.operatorThreshold());
      assertThat(wronglyAbstained(router, test)).isLessThanOrEqualTo(0.02);
    }
  }

  /**
   * The same with real MiniLM and token matching (the path of every in-process model), score by
   * score: 100 specialists, so only the nearest take part in token matching, and questions of
   * different specialists interleaved, so every specialist's anchors are cut partway (word-piece
   * weights included).
   */
  @Test
  void withTokenMatchingEveryScoreIsTheOneTheQuestionHadWhenItCame() {
    try (MiniLmEmbedder minilm = new MiniLmEmbedder()) {
      Embedder embedder = new CachingEmbedder(minilm, 4096);
      List<SpecialistConfig> intents =
          SpecialistsYaml.parse(LabeledSets.text("hundred-intents.yaml"));
      List<LearnedText> learned = new ArrayList<>();
      List<Labeled> tune = new ArrayList<>(LabeledSets.read("hundred-intents-tune.jsonl"));
      java.util.Collections.shuffle(tune, new java.util.Random(7));
      for (Labeled q : tune) {
        if (!q.label().equals("none") && learned.size() < 30) {
          learned.add(new LearnedText(q.label(), q.text()));
        }
      }
      learned.add(learned.get(3)); // a question learned twice counts twice
      SemanticRouter router = new SemanticRouter(embedder, intents, RoutingSettings.DEFAULT);

      router.useLearned(learned);

      double[] slow = asTheyCame(embedder, intents, learned, RoutingSettings.DEFAULT);
      double[] fast = router.learnedScores();
      assertThat(fast).hasSize(slow.length);
      for (int n = 0; n < slow.length; n++) {
        assertThat(fast[n]).as("question %d", n).isCloseTo(slow[n], within(1e-6));
      }
    }
  }

  /** The shared word, two of the route's own (the i-th and a stride apart) and a unique one. */
  private static String question(String shared, String[] own, int i, int stride, String tag) {
    return String.join(
        " ", shared, own[i % own.length], own[(i * stride + 1) % own.length], tag + i);
  }

  /**
   * Two routes, n questions each, sharing one word with their route's exemplars ("time", "rain")
   * and worded otherwise in words of their own (and one unique word each).
   */
  private static Map<String, List<String>> worded(int n) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    out.put("kairos", new ArrayList<>());
    out.put("moira", new ArrayList<>());
    for (int i = 0; i < n; i++) {
      out.get("kairos").add(question("time", KAIROS, i, 3, "q"));
      out.get("moira").add(question("rain", MOIRA, i, 5, "w"));
    }
    return out;
  }

  /** The k-th lowest of the learned questions' scores as they came ({@link #asTheyCame}). */
  private static double slowConformal(
      Map<String, List<String>> learned, RoutingSettings settings, int k) {
    List<LearnedText> inOrder = new ArrayList<>();
    learned.forEach((route, texts) -> texts.forEach(t -> inOrder.add(new LearnedText(route, t))));
    double[] fits = asTheyCame(new WordEmbedder(), ALIKE, inOrder, settings);
    Arrays.sort(fits);
    return fits[k - 1];
  }

  /**
   * Each learned question routed by a router that learned the questions before it and no other: its
   * best score, by arrival.
   */
  private static double[] asTheyCame(
      Embedder embedder,
      List<SpecialistConfig> routes,
      List<LearnedText> inOrder,
      RoutingSettings settings) {
    SemanticRouter reference = new SemanticRouter(embedder, routes, settings.withThreshold(0.001));
    double[] fits = new double[inOrder.size()];
    for (int n = 0; n < inOrder.size(); n++) {
      reference.useLearned(inOrder.subList(0, n));
      RouteDecision d = reference.route(inOrder.get(n).text(), Map.of());
      fits[n] = d.scores().values().stream().max(Double::compare).orElse(0.0);
    }
    return fits;
  }

  private static double wronglyAbstained(SemanticRouter router, List<Labeled> set) {
    List<Labeled> in = set.stream().filter(q -> !q.label().equals("none")).toList();
    List<RouteDecision> ds = router.routeAll(in.stream().map(Labeled::text).toList(), Map.of());
    return ds.stream().filter(d -> d.specialist().isEmpty()).count() / (double) in.size();
  }
}
