package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nyx.config.SpecialistConfig;
import io.nyx.memory.MiniLmEmbedder;
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
    SemanticRouter r =
        new SemanticRouter(embedder, many, RoutingSettings.DEFAULT.withThreshold(0.25));

    String q = "my kayak has a crack in the hull, how can I repair it?";
    RouteDecision d = r.route(q, Map.of());
    assertThat(d.specialist()).contains("kayak-1");
    Map<String, Double> expected = reference(many, q);
    assertThat(d.scores()).hasSize(200).containsOnlyKeys(expected.keySet());
    expected.forEach(
        (name, score) -> assertThat(d.scores().get(name)).as(name).isCloseTo(score, within(1e-5)));
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
  private static Map<String, Double> reference(List<SpecialistConfig> specialists, String query) {
    RoutingSettings st = RoutingSettings.DEFAULT;
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
