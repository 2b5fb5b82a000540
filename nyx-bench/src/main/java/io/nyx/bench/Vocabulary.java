package io.nyx.bench;

import java.util.List;

/** Word lists for the synthetic many-specialist configuration of {@link RouteBenchmark}. */
final class Vocabulary {
  private Vocabulary() {}

  /** 100 distinct subjects; with 5 facets, 500 distinct specialists. */
  static final List<String> TOPICS =
      List.of(
          "guitar", "volcano", "bicycle", "chess", "sourdough bread", "submarine", "orchid",
          "bitcoin", "glacier", "violin", "honeybee", "telescope", "marathon", "tattoo", "origami",
          "lighthouse", "saxophone", "kayak", "tornado", "pottery", "skateboard", "cheese",
          "satellite", "aquarium", "yoga", "espresso machine", "beehive", "sailboat", "piano",
          "coral reef", "motorcycle", "wine cellar", "knitting", "drone", "greenhouse", "fencing",
          "fountain pen", "solar panel", "snowboard", "archery", "typewriter", "bonsai tree",
          "hot air balloon", "sushi", "tennis racket", "woodworking lathe", "wedding cake",
          "electric scooter", "rock climbing", "mushroom foraging", "vinyl record", "chandelier",
          "tractor", "ballet", "camping tent", "harmonica", "kombucha", "sewing machine",
          "scuba diving", "podcast", "3d printer", "vegetable garden", "parrot", "horse saddle",
          "fire extinguisher", "crossword puzzle", "mechanical keyboard", "birdwatching",
          "sourdough starter", "steam locomotive", "dental braces", "wind turbine", "tea ceremony",
          "figure skating", "laser cutter", "wool sweater", "barbecue smoker", "fishing rod",
          "stained glass", "trampoline", "metal detector", "cuckoo clock", "aquaponics",
          "mountain hut", "surfboard", "calligraphy", "ant colony", "pinball machine",
          "space station", "tapestry", "snow globe", "paragliding", "jigsaw puzzle",
          "pipe organ", "canoe", "beekeeping suit", "wristwatch", "ice hockey", "lava lamp",
          "carousel");

  static final List<String> FACETS =
      List.of(
          "the history of the",
          "repairing a broken",
          "buying a second-hand",
          "the physics behind the",
          "cleaning and maintaining the");

  /** %1$s = facet, %2$s = topic, %3$s = a detail word. */
  static final List<String> TEMPLATES =
      List.of(
          "%1$s %2$s",
          "questions about %1$s %2$s",
          "I need help with %1$s %2$s",
          "can you explain %1$s %2$s to a beginner?",
          "what should I know about %1$s %2$s and its %3$s?",
          "tell me everything about %1$s %2$s",
          "where do I start with %1$s %2$s",
          "is there a good book on %1$s %2$s",
          "my friend asked me about %1$s %2$s, what do I say?",
          "quick question on %1$s %2$s: what about the %3$s?",
          "%1$s %2$s: common mistakes",
          "how much time does %1$s %2$s take",
          "give me a checklist for %1$s %2$s",
          "what tools are used for %1$s %2$s",
          "any tips for %1$s %2$s on a budget",
          "explain the %3$s when it comes to %1$s %2$s",
          "I'm confused about %1$s %2$s",
          "what experts say about %1$s %2$s",
          "a short summary of %1$s %2$s please",
          "why does %1$s %2$s matter for the %3$s");

  static final List<String> DETAILS =
      List.of("cost", "safety", "materials", "timeline", "weight", "colour", "noise", "warranty");
}
