package io.nyx.context;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Aletheia's grounding measure, after generation: which sentences of the answer the retrieved facts
 * support.
 *
 * <p>Each sentence is reduced to its content words (lower case, stop words and {@code [fact N]}
 * labels removed, a trailing plural "s" dropped). Its support by a fact is the share of those words
 * the fact contains, or 0 when the sentence states a number the fact does not (a changed number is
 * the typical unsupported claim and only one word of many); the sentence is supported when its best
 * fact reaches {@code threshold}. Sentences with fewer than {@value #MIN_WORDS} content words
 * ("Yes.", "Sure, here it is.") are not checked. {@code score = supported / checked}. Token overlap
 * was chosen over embedding similarity because it is exact, cheap and explainable (it names the
 * fact), and because sentence embeddings rate a negated or altered number as similar ("boils at 90
 * degrees" vs "100 degrees"), which is precisely the unsupported claim to catch. Its weakness is
 * paraphrase: a correct sentence in other words scores low, so the score errs on the side of
 * "unsupported". Pure and thread-safe.
 */
public final class GroundingCheck {
  static final int MIN_WORDS = 3;
  private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?])\\s+|\\n+");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final Pattern CITATION = Pattern.compile("\\[fact (\\d+)]");
  private static final Set<String> STOP =
      Set.of(
          "a",
          "an",
          "the",
          "and",
          "or",
          "but",
          "if",
          "of",
          "at",
          "by",
          "for",
          "with",
          "about",
          "to",
          "from",
          "in",
          "on",
          "is",
          "are",
          "was",
          "were",
          "be",
          "been",
          "being",
          "it",
          "its",
          "this",
          "that",
          "these",
          "those",
          "as",
          "which",
          "who",
          "what",
          "when",
          "where",
          "how",
          "i",
          "you",
          "he",
          "she",
          "we",
          "they",
          "them",
          "his",
          "her",
          "their",
          "our",
          "your",
          "my",
          "me",
          "do",
          "does",
          "did",
          "has",
          "have",
          "had",
          "not",
          "no",
          "so",
          "than",
          "then",
          "there",
          "here",
          "can",
          "could",
          "will",
          "would",
          "should",
          "may",
          "might",
          "also",
          "very",
          "just",
          "fact",
          "according",
          "yes",
          "sure");

  private final double threshold;

  public GroundingCheck(double threshold) {
    this.threshold = threshold;
  }

  public Grounding check(String answer, List<ContextItem.FactItem> facts) {
    List<Set<String>> factWords = facts.stream().map(f -> words(f.statement())).toList();
    List<Grounding.Sentence> checked = new ArrayList<>();
    for (String sentence : SENTENCE.split(answer)) {
      Set<String> words = words(sentence);
      if (words.size() >= MIN_WORDS) {
        checked.add(best(sentence.strip(), words, facts, factWords));
      }
    }
    long supported = checked.stream().filter(Grounding.Sentence::supported).count();
    double score = checked.isEmpty() ? 0 : (double) supported / checked.size();
    return new Grounding(score, checked, cited(answer), invented(answer, facts));
  }

  private Grounding.Sentence best(
      String sentence, Set<String> words, List<ContextItem.FactItem> facts, List<Set<String>> fw) {
    long bestId = -1;
    double best = 0;
    for (int i = 0; i < facts.size(); i++) {
      double overlap = numbersMatch(words, fw.get(i)) ? overlap(words, fw.get(i)) : 0;
      if (overlap > best) {
        best = overlap;
        bestId = facts.get(i).id();
      }
    }
    return new Grounding.Sentence(sentence, bestId, best, best >= threshold && bestId >= 0);
  }

  private static double overlap(Set<String> words, Set<String> fact) {
    Set<String> shared = new HashSet<>(words);
    shared.retainAll(fact);
    return (double) shared.size() / words.size();
  }

  /** A changed number is the typical unsupported claim, and is only one word of many. */
  private static boolean numbersMatch(Set<String> words, Set<String> fact) {
    return words.stream().filter(w -> Character.isDigit(w.charAt(0))).allMatch(fact::contains);
  }

  static Set<String> words(String text) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = WORD.matcher(CITATION.matcher(text).replaceAll(" ").toLowerCase(Locale.ROOT));
    while (m.find()) {
      String w = m.group();
      if (!STOP.contains(w)) {
        out.add(
            w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")
                ? w.substring(0, w.length() - 1)
                : w);
      }
    }
    return out;
  }

  private static List<Long> cited(String answer) {
    Set<Long> ids = new LinkedHashSet<>();
    Matcher m = CITATION.matcher(answer);
    while (m.find()) {
      ids.add(Long.parseLong(m.group(1)));
    }
    return List.copyOf(ids);
  }

  private static List<Long> invented(String answer, List<ContextItem.FactItem> facts) {
    Set<Long> known = new HashSet<>();
    facts.forEach(f -> known.add(f.id()));
    return cited(answer).stream().filter(id -> !known.contains(id)).toList();
  }
}
