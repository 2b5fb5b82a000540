package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nyx.memory.Encoded;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.memory.TokenVectors;
import io.nyx.specialist.SpecialistConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Configurations other than the shipped one: tiny, large, tied, invalid. */
class SemanticRouterConfigsTest {
  private static final List<String> TOPICS =
      List.of(
          "guitar",
          "volcano",
          "bicycle",
          "chess",
          "sourdough bread",
          "submarine",
          "orchid",
          "bitcoin",
          "glacier",
          "violin",
          "honeybee",
          "telescope",
          "marathon",
          "tattoo",
          "origami",
          "lighthouse",
          "saxophone",
          "kayak",
          "tornado",
          "pottery",
          "skateboard",
          "cheese",
          "satellite",
          "aquarium",
          "yoga");
  private static final List<String> ASPECTS =
      List.of(
          "the history of",
          "repairing a broken",
          "buying a second-hand",
          "drawing a picture of",
          "the physics behind",
          "cleaning and maintaining a",
          "famous songs about",
          "the price of");

  private static MiniLmEmbedder embedder;

  @BeforeAll
  static void load() {
    embedder = new MiniLmEmbedder();
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void twoSpecialistsRouteAndAbstain() {
    SemanticRouter r =
        new SemanticRouter(
            embedder,
            List.of(
                specialist(
                    "chef",
                    "Cooking and recipes: ingredients, oven temperatures, baking and technique",
                    "how long do I roast a whole chicken",
                    "what's a good tomato sauce for pasta",
                    "can I bake bread without a stand mixer"),
                specialist(
                    "astro",
                    "Astronomy: stars, planets, eclipses, telescopes and the night sky",
                    "why do stars twinkle",
                    "how far away is Mars right now",
                    "what can I see through a small telescope")),
            RoutingSettings.DEFAULT);
    assertThat(r.route("what temperature should the oven be for lasagna", Map.of()).specialist())
        .contains("chef");
    assertThat(r.route("when is the next solar eclipse visible from Europe", Map.of()).specialist())
        .contains("astro");
    assertThat(r.route("my landlord won't return my rental deposit", Map.of()))
        .isInstanceOf(RouteDecision.Abstained.class);
  }

  @Test
  void twoHundredSpecialistsRouteAndMatchTheSlowReference() {
    List<SpecialistConfig> many = generated();
    assertThat(many).hasSize(200);
    // Fixed threshold: templated exemplars score each other highly, so a calibrated one is strict.
    for (double tokens : List.of(0.0, RoutingSettings.DEFAULT_TOKEN_WEIGHT)) {
      RoutingSettings st = RoutingSettings.DEFAULT.withThreshold(0.25).withTokenWeight(tokens);
      SemanticRouter r = new SemanticRouter(embedder, many, st);
      for (String q :
          List.of(
              "my kayak has a crack in the hull, how can I repair it?",
              "which paddle length suits a touring kayak",
              // Over 8 pieces: only the 8 rarest are matched.
              "I bought a second hand touring kayak last summer and the hull has a long crack near"
                  + " the stern, so what glue or patch kit should I use to repair it properly")) {
        RouteDecision d = r.route(q, Map.of());
        assertThat(d.specialist()).as(q).get().asString().startsWith("kayak-");
        Map<String, Double> expected = reference(many, q, st);
        assertThat(d.scores()).hasSize(200).containsOnlyKeys(expected.keySet());
        expected.forEach(
            (name, score) ->
                assertThat(d.scores().get(name)).as(name).isCloseTo(score, within(1e-5)));
      }
    }
  }

  @Test
  void tiesAreBrokenByNameWhateverTheListOrder() {
    SpecialistConfig b = specialist("bravo", "", "tell me about whales");
    SpecialistConfig a = specialist("alpha", "", "tell me about whales");
    for (List<SpecialistConfig> order : List.of(List.of(a, b), List.of(b, a))) {
      RouteDecision d =
          new SemanticRouter(embedder, order, RoutingSettings.DEFAULT)
              .route("how big do blue whales get", Map.of());
      assertThat(d.specialist()).contains("alpha");
      assertThat(d.scores().keySet()).containsExactly("alpha", "bravo");
      assertThat(((RouteDecision.Chosen) d).margin()).isZero();
    }
  }

  @Test
  void descriptionAloneIsEnoughToRoute() {
    SemanticRouter r =
        new SemanticRouter(
            embedder,
            List.of(
                specialist("garden", "Gardening: plants, soil, pruning and pests"),
                specialist("cars", "Car maintenance: engines, tyres, oil and brakes")),
            RoutingSettings.DEFAULT);
    assertThat(r.route("how often should I change the engine oil", Map.of()).specialist())
        .contains("cars");
  }

  @Test
  void invalidSpecialistListsAreRejected() {
    assertThatThrownBy(() -> new SemanticRouter(embedder, List.of(), RoutingSettings.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
    SpecialistConfig x = specialist("x", "", "hello there");
    assertThatThrownBy(() -> new SemanticRouter(embedder, List.of(x, x), RoutingSettings.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate specialist x");
  }

  /** The formula of SemanticRouter's Javadoc written the slow, obvious way (neutral weights). */
  private static Map<String, Double> reference(
      List<SpecialistConfig> specialists, String query, RoutingSettings st) {
    return st.tokenWeight() > 0
        ? tokenReference(specialists, query, st.tokenWeight())
        : blendReference(specialists, query, st);
  }

  /**
   * (1 - t)·cos(centroid) + t·maxsim for the 8 nearest centroids, (1 - t)·cos(centroid) for the
   * rest; maxsim = sum over query pieces of idf-weight × best cosine to any of the specialist's
   * exemplar tokens.
   */
  private static Map<String, Double> tokenReference(
      List<SpecialistConfig> specialists, String query, double t) {
    Encoded q = embedder.encode(query);
    Map<String, Double> centroidCos = new HashMap<>();
    Map<String, List<Encoded>> anchors = new HashMap<>();
    Map<String, Integer> specialistsWith = new HashMap<>();
    for (SpecialistConfig s : specialists) {
      List<Encoded> a = s.exemplars().stream().map(embedder::encode).toList();
      anchors.put(s.name(), a);
      double[] centroid = new double[q.vector().length];
      a.forEach(e -> Arrays.setAll(centroid, i -> centroid[i] + e.vector()[i]));
      double norm = Math.sqrt(Arrays.stream(centroid).map(x -> x * x).sum());
      double c = 0;
      for (int i = 0; i < centroid.length; i++) {
        c += q.vector()[i] * centroid[i] / norm;
      }
      centroidCos.put(s.name(), c);
      a.stream()
          .flatMap(e -> e.tokens().pieces().stream())
          .distinct()
          .forEach(p -> specialistsWith.merge(p, 1, Integer::sum));
    }
    List<String> nearest =
        centroidCos.entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .limit(8)
            .map(Map.Entry::getKey)
            .toList();
    int n = specialists.size();
    List<String> all = q.tokens().pieces();
    java.util.function.ToDoubleFunction<Integer> idf =
        j -> Math.log((n + 1.0) / (specialistsWith.getOrDefault(all.get(j), 0) + 1)) + 1;
    List<Integer> kept =
        java.util.stream.IntStream.range(0, all.size())
            .boxed()
            .sorted(Comparator.comparingDouble(idf).reversed())
            .limit(8)
            .toList();
    double wSum = kept.stream().mapToDouble(idf).sum();
    Map<String, Double> out = new HashMap<>();
    for (SpecialistConfig s : specialists) {
      double maxsim = 0;
      if (nearest.contains(s.name())) {
        for (int j : kept) {
          double best = -1;
          for (Encoded e : anchors.get(s.name())) {
            for (int k = 0; k < e.tokens().count(); k++) {
              best = Math.max(best, rowDot(q.tokens(), j, e.tokens(), k));
            }
          }
          maxsim += idf.applyAsDouble(j) / wSum * best;
        }
      }
      double sim = (1 - t) * centroidCos.get(s.name()) + t * maxsim;
      out.put(s.name(), Math.min(1, Math.max(0, sim)));
    }
    return out;
  }

  private static double rowDot(TokenVectors a, int i, TokenVectors b, int k) {
    double s = 0;
    for (int d = 0; d < a.dim(); d++) {
      s += (double) a.rows()[i * a.dim() + d] * b.rows()[k * b.dim() + d];
    }
    return s;
  }

  private static Map<String, Double> blendReference(
      List<SpecialistConfig> specialists, String query, RoutingSettings st) {
    float[] q = embedder.embed(query);
    Map<String, Double> out = new HashMap<>();
    for (SpecialistConfig s : specialists) {
      List<float[]> anchors = embedder.embedAll(s.exemplars()); // generated: no description
      List<Double> cos = new ArrayList<>(anchors.stream().map(v -> dot(q, v)).toList());
      cos.sort(Comparator.reverseOrder());
      double topK = cos.stream().limit(st.topK()).mapToDouble(x -> x).average().orElseThrow();
      double[] centroid = new double[q.length];
      anchors.forEach(v -> Arrays.setAll(centroid, i -> centroid[i] + v[i]));
      double norm = Math.sqrt(Arrays.stream(centroid).map(x -> x * x).sum());
      double cos0 = 0;
      for (int i = 0; i < q.length; i++) {
        cos0 += q[i] * centroid[i] / norm;
      }
      double sim = (1 - st.centroidWeight()) * topK + st.centroidWeight() * cos0;
      out.put(s.name(), Math.min(1, Math.max(0, sim)));
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static List<SpecialistConfig> generated() {
    List<SpecialistConfig> out = new ArrayList<>();
    for (String topic : TOPICS) {
      for (int a = 0; a < ASPECTS.size(); a++) {
        String aspect = ASPECTS.get(a);
        out.add(
            specialist(
                topic.replace(' ', '-') + "-" + a,
                "",
                aspect + " " + topic,
                "questions about " + aspect + " " + topic,
                "I need help with " + aspect + " " + topic));
      }
    }
    return out;
  }

  private static SpecialistConfig specialist(String name, String description, String... exemplars) {
    return new SpecialistConfig(
        name, description, name, null, "", List.of(exemplars), null, 0.5, null);
  }
}
