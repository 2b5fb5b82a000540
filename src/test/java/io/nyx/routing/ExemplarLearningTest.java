package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.memory.Embedder;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.Decoding;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.testing.WordEmbedder;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Learned exemplars over a bag-of-words embedder (texts with the same words have cosine 1), so
 * every similarity below is known: provenance, the bound, near duplicates, removal, and the
 * operator's exemplars never displaced.
 */
class ExemplarLearningTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final RoutingSettings SETTINGS = RoutingSettings.DEFAULT.withThreshold(0.3);

  final SemanticRouter router = twoRoutes(SETTINGS);
  final MemoryLearnedExemplarStore store = new MemoryLearnedExemplarStore(InstantSource.fixed(T0));
  final ExemplarLearning learning =
      new ExemplarLearning(router, store, new ExemplarLearning.Settings(2, 0.95, 0.95, 0.5));

  /** Kairos and moira, two exemplars each, over the bag-of-words embedder. */
  static SemanticRouter twoRoutes(RoutingSettings settings) {
    return new SemanticRouter(
        new WordEmbedder(),
        List.of(
            spec("kairos", "what time is it now", "when should i leave for the airport"),
            spec("moira", "will it rain tomorrow", "weather forecast for the weekend")),
        settings);
  }

  @Test
  void aCorrectionBecomesAnExemplarWithItsProvenanceAndMovesTheRoute() {
    String query = "is there traffic on the ring road";
    assertThat(router.route(query, Map.of()).specialist()).isEmpty(); // no word in common
    UUID id = UUID.randomUUID();

    ExemplarLearning.Outcome out = learning.correct("kairos", query, id, "alice");

    LearnedExemplar e = ((ExemplarLearning.Outcome.Learned) out).exemplar();
    assertThat(e.route()).isEqualTo("kairos");
    assertThat(e.text()).isEqualTo(query);
    assertThat(e.source()).isEqualTo(LearnedExemplar.Source.CORRECTION);
    assertThat(e.queryId()).isEqualTo(id);
    assertThat(e.rater()).isEqualTo("alice");
    assertThat(e.createdAt()).isEqualTo(T0);
    assertThat(router.route("traffic on the ring road", Map.of()).specialist()).hasValue("kairos");
    assertThat(router.learnedCounts()).containsEntry("kairos", 1).containsEntry("moira", 0);
  }

  @Test
  void goodFeedbackIsEvidenceAndPoorFeedbackIsNot() {
    assertThat(learning.rated("moira", "umbrella needed today", 0.2, null, "bob"))
        .isInstanceOf(ExemplarLearning.Outcome.Skipped.class);
    ExemplarLearning.Outcome good =
        learning.rated("moira", "umbrella needed today", 1, null, "bob");
    assertThat(((ExemplarLearning.Outcome.Learned) good).exemplar().source())
        .isEqualTo(LearnedExemplar.Source.FEEDBACK);
  }

  @Test
  void eachRouteKeepsAtMostTheBoundAndTheOldestLeaveFirst() {
    learning.correct("kairos", "first traffic jam", null, "a");
    learning.correct("kairos", "second bus delay", null, "a");
    learning.correct("kairos", "third train strike", null, "a");

    assertThat(learning.list())
        .extracting(LearnedExemplar::text)
        .containsExactly("second bus delay", "third train strike");
    assertThat(router.learnedCounts()).containsEntry("kairos", 2);
  }

  @Test
  void withACalibratedThresholdFewRoutesKeepEnoughLearnedQuestionsToCalibrateIt() {
    SemanticRouter auto = twoRoutes(RoutingSettings.DEFAULT);
    ExemplarLearning small =
        new ExemplarLearning(auto, store, new ExemplarLearning.Settings(2, 0.95, 0.95, 0.5));
    List<String> learned = new java.util.ArrayList<>(); // hashed words collide now and then
    for (int i = 0; learned.size() < 130; i++) {
      String text = "jam " + i + " at gate " + (i * 37 + 11) + " lane " + (i * 13 + 5);
      if (small.correct("kairos", text, null, "a") instanceof ExemplarLearning.Outcome.Learned) {
        learned.add(text);
      }
    }

    // Two routes at the bound of 2 could never hold the 256 newest questions the threshold is
    // calibrated on: the bound rises to 128 each. A configured threshold keeps the bound.
    assertThat(auto.learnedCounts()).containsEntry("kairos", 128);
    assertThat(small.list())
        .extracting(LearnedExemplar::text)
        .containsExactlyElementsOf(learned.subList(2, 130));
    assertThat(learning.perRoute()).isEqualTo(2);
  }

  @Test
  void nearDuplicatesAreNotStored() {
    learning.correct("kairos", "traffic on the ring road", null, "a");

    ExemplarLearning.Outcome again =
        learning.correct("kairos", "the ring road traffic on", null, "b");

    assertThat(again).isInstanceOf(ExemplarLearning.Outcome.Skipped.class);
    assertThat(((ExemplarLearning.Outcome.Skipped) again).reason()).contains("near duplicate");
    assertThat(learning.list()).hasSize(1);
  }

  @Test
  void anOperatorExemplarIsNeverDisplacedByACorrection() {
    ExemplarLearning.Outcome out =
        learning.correct("moira", "what time is it now", null, "mallory");

    assertThat(((ExemplarLearning.Outcome.Skipped) out).reason())
        .contains("configured exemplar of 'kairos'");
    assertThat(learning.list()).isEmpty();
    // Even with moira's learned exemplars at their bound, kairos's own text still goes to kairos.
    learning.correct("moira", "what time is it in paris now", null, "mallory");
    learning.correct("moira", "time now is it what please", null, "mallory");
    assertThat(router.route("what time is it now", Map.of()).specialist()).hasValue("kairos");
    assertThat(router.threshold()).isEqualTo(0.3);
  }

  /**
   * With a ranking model the operator's exemplars are kept by the ranking as well: here the
   * router's own embedder tells nothing apart (one unrelated vector per text), so only the ranking
   * model (bag of words) sees that the correction would take kairos's exemplar.
   */
  @Test
  void anOperatorExemplarIsNeverTakenByTheRankingEither() {
    List<SpecialistConfig> routes =
        List.of(
            spec(
                "kairos",
                "what time is it now",
                "set an alarm for seven",
                "remind me about lunch at noon",
                "wake me up at six tomorrow",
                "start a timer for ten minutes"),
            spec("moira", "will it rain tomorrow", "weather forecast for the weekend"));
    String correction = "please what time is it now";
    for (Embedder ranker : new Embedder[] {null, new WordEmbedder()}) {
      SemanticRouter r =
          new SemanticRouter(new TextHashEmbedder(), ranker, routes, SETTINGS, ExemplarCache.NONE);
      ExemplarLearning l =
          new ExemplarLearning(
              r,
              new MemoryLearnedExemplarStore(InstantSource.fixed(T0)),
              ExemplarLearning.Settings.DEFAULT);

      ExemplarLearning.Outcome out = l.correct("moira", correction, null, "mallory");

      if (ranker == null) {
        assertThat(out).isInstanceOf(ExemplarLearning.Outcome.Learned.class);
      } else {
        assertThat(((ExemplarLearning.Outcome.Skipped) out).reason())
            .isEqualTo("would take a configured exemplar of another route");
      }
    }
  }

  /** One pseudo-random unit vector per distinct text: unrelated texts, no shared words seen. */
  private static final class TextHashEmbedder implements Embedder {
    @Override
    public String modelId() {
      return "text-hash-64";
    }

    @Override
    public int dimension() {
      return 64;
    }

    @Override
    public float[] embed(String text) {
      java.util.SplittableRandom random = new java.util.SplittableRandom(text.hashCode());
      float[] v = new float[64];
      double norm = 0;
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) random.nextGaussian();
        norm += v[d] * v[d];
      }
      for (int d = 0; d < v.length; d++) {
        v[d] /= (float) Math.sqrt(norm);
      }
      return v;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      return texts.stream().map(this::embed).toList();
    }
  }

  @Test
  void removalTakesTheExemplarOutOfRouting() {
    learning.correct("kairos", "is there traffic on the ring road", null, "a");
    long id = learning.list().getFirst().id();

    assertThat(learning.remove(id)).isTrue();

    assertThat(learning.list()).isEmpty();
    assertThat(router.route("traffic on the ring road", Map.of()).specialist()).isEmpty();
    assertThat(learning.remove(id)).isFalse();
  }

  @Test
  void unknownAndDisabledRoutesLearnNothing() {
    SemanticRouter withDisabled =
        new SemanticRouter(
            new WordEmbedder(),
            List.of(spec("kairos", "what time is it"), spec("moira", "will it rain")),
            SETTINGS.withPins("", List.of("moira")));
    ExemplarLearning l =
        new ExemplarLearning(withDisabled, store, ExemplarLearning.Settings.DEFAULT);

    assertThat(l.correct("hermes", "send a parcel", null, "a"))
        .isInstanceOf(ExemplarLearning.Outcome.Skipped.class);
    assertThat(l.correct("moira", "umbrella", null, "a"))
        .isInstanceOf(ExemplarLearning.Outcome.Skipped.class);
    assertThat(store.all()).isEmpty();
  }

  @Test
  void anotherReplicasExemplarsArriveOnRefresh() {
    SemanticRouter other = twoRoutes(SETTINGS);
    ExemplarLearning replica =
        new ExemplarLearning(other, store, ExemplarLearning.Settings.DEFAULT);
    assertThat(replica.refreshIfChanged()).isTrue(); // first load
    learning.correct("kairos", "is there traffic on the ring road", null, "a");

    assertThat(replica.refreshIfChanged()).isTrue();
    assertThat(replica.refreshIfChanged()).isFalse();
    assertThat(other.route("traffic on the ring road", Map.of()).specialist()).hasValue("kairos");
  }

  static SpecialistConfig spec(String name, String... exemplars) {
    return new SpecialistConfig(
        name, "", name, ContextStrategy.NONE, "", List.of(exemplars), Decoding.DEFAULT, 0.5, null);
  }
}
