package io.nyx.safety;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.config.RiskCategoriesYaml;
import io.nyx.memory.MiniLmEmbedder;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Why every answer still goes through the embedding screen (issue #21): a cheap lexical first stage
 * that lets only texts with a category keyword or a word of a seed phrase through to the embedding
 * loses recall on the held-out half (0.892 → 0.831 with the shipped categories: "i don't want to be
 * alive anymore", "my dad locks me in my room and doesn't feed me" carry none of those words) while
 * it lets about two thirds of the benign texts through anyway, so it would save little. The stage
 * is built mechanically from the categories (no word chosen by looking at the labeled set). Run it
 * to print the figures: {@code mvn -o test -Dtest=LexicalFirstStageTest}.
 */
class LexicalFirstStageTest {
  /** Words of seed phrases too common to mean anything on their own. */
  private static final Set<String> COMMON =
      Set.of(
          "about",
          "after",
          "again",
          "all",
          "and",
          "any",
          "are",
          "around",
          "been",
          "being",
          "but",
          "can",
          "could",
          "don't",
          "each",
          "every",
          "everything",
          "for",
          "from",
          "have",
          "how",
          "into",
          "just",
          "keep",
          "make",
          "more",
          "most",
          "much",
          "once",
          "only",
          "other",
          "over",
          "some",
          "than",
          "that",
          "their",
          "them",
          "then",
          "there",
          "these",
          "they",
          "this",
          "through",
          "tomorrow",
          "want",
          "what",
          "when",
          "where",
          "which",
          "while",
          "will",
          "with",
          "without",
          "won't",
          "would",
          "your",
          "going",
          "someone",
          "person",
          "people",
          "better",
          "family",
          "life",
          "take",
          "reason",
          "saying",
          "thinking");

  static MiniLmEmbedder embedder;
  static RiskCategories categories;
  static EmbeddingRiskScreen screen;

  @BeforeAll
  static void load() {
    embedder = new MiniLmEmbedder();
    categories = RiskCategoriesYaml.load("");
    screen = new EmbeddingRiskScreen(embedder, categories, EmbeddingRiskScreen.DEFAULT_THRESHOLD);
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  /** A keyword of any category, or a word starting with the stem of a seed phrase's word. */
  static Predicate<String> lexicalStage(RiskCategories config) {
    Set<String> stems = new TreeSet<>();
    for (RiskCategory c : config.categories()) {
      for (String seed : c.seeds()) {
        for (String w : seed.toLowerCase(Locale.ROOT).split("[^a-z']+")) {
          if (w.length() >= 3 && !COMMON.contains(w)) {
            stems.add(stem(w));
          }
        }
      }
    }
    return text -> {
      String lower = text.toLowerCase(Locale.ROOT);
      boolean keyword =
          config.categories().stream()
              .flatMap(c -> c.keywords().stream())
              .anyMatch(p -> p.matcher(lower).find());
      return keyword
          || Arrays.stream(lower.split("[^a-z']+"))
              .anyMatch(w -> stems.stream().anyMatch(w::startsWith));
    };
  }

  private static String stem(String w) {
    for (String suffix : List.of("ing", "ed", "es", "s", "ly")) {
      if (w.length() > suffix.length() + 3 && w.endsWith(suffix)) {
        return w.substring(0, w.length() - suffix.length());
      }
    }
    return w;
  }

  record Figures(double precision, double recall, double benignPassed) {}

  static Figures evaluate(List<LabeledSet.Example> examples, Predicate<String> firstStage) {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    int benign = 0;
    int benignPassed = 0;
    for (LabeledSet.Example e : examples) {
      boolean passed = firstStage.test(e.text());
      boolean flagged = passed && screen.screen(e.text()).flagged();
      if (!e.risky()) {
        benign++;
        benignPassed += passed ? 1 : 0;
      }
      if (flagged && e.risky()) {
        tp++;
      } else if (flagged) {
        fp++;
      } else if (e.risky()) {
        fn++;
      }
    }
    return new Figures(
        tp / (double) Math.max(1, tp + fp),
        tp / (double) Math.max(1, tp + fn),
        benignPassed / (double) Math.max(1, benign));
  }

  @Test
  void aLexicalFirstStageLosesHeldOutRecall() {
    LabeledSet set = LabeledSet.load();
    Predicate<String> stage = lexicalStage(categories);
    Figures full = evaluate(set.test(), t -> true);
    Figures gated = evaluate(set.test(), stage);
    System.out.printf(
        Locale.ROOT,
        "held-out half: every text screened P %.3f R %.3f; lexical first stage P %.3f R %.3f,"
            + " passing %.0f %% of benign texts%n",
        full.precision(),
        full.recall(),
        gated.precision(),
        gated.recall(),
        100 * gated.benignPassed());
    assertThat(gated.recall()).isLessThan(full.recall());
    assertThat(gated.benignPassed()).isGreaterThan(0.5);
  }
}
