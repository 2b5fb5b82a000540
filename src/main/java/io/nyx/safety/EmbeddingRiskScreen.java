package io.nyx.safety;

import io.nyx.memory.Embedder;
import io.nyx.memory.VectorMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Scores a text against each category with sentence embeddings and keywords.
 *
 * <p>For category {@code c}: {@code score_c = sim_c + K·lexical_c − B·max(0, benign − sim_c)},
 * where {@code sim_c} is the mean cosine of the text to its {@value #TOP} nearest seeds of {@code
 * c}, {@code lexical_c} is 1 when a keyword pattern of {@code c} matches, and {@code benign} the
 * same mean over the benign look-alikes. The look-alike term is what keeps "kill a python process"
 * and "this movie killed me" below the threshold: they sit nearer "terminate a running program" and
 * "so funny it killed me" than any risky seed. K and B were chosen on the dev half of the labeled
 * set (src/test/resources/safety). Seeds are embedded once, at construction. Thread-safe.
 *
 * <p>A risk wrapped in a request ("book a taxi to the cliffs, I'm not coming back") is diluted in
 * the whole text's vector, so a text of a few clauses that scores near the threshold is screened
 * clause by clause too ({@link #BAND}, {@link #CLAUSE_MARGIN}, {@link #MAX_CLAUSES};
 * docs/safety-and-time.md has the figures).
 */
public final class EmbeddingRiskScreen implements RiskScreen {
  static final int TOP = 2;
  static final double LEXICAL_BONUS = 0.25;
  static final double BENIGN_PULL = 1.0;

  /** Below this many words a text needs a keyword match to be flagged. */
  static final int MIN_WORDS = 4;

  /**
   * Texts of 2 to this many clauses are also screened clause by clause; a longer one (an answer,
   * mostly) is screened whole, so that screening an answer stays one embedding.
   */
  static final int MAX_CLAUSES = 8;

  /**
   * Only a text whose whole scores within this of the threshold is screened clause by clause; one
   * far from every category has no clause worth a look. On the public intent sets' queries 7 % get
   * that far (79 % of those with two to eight clauses).
   */
  static final double BAND = 0.25;

  /**
   * A clause is flagged only this far over the threshold: a few words embed noisily ("will I be
   * charged" sat at 0.37 for violence), a clause that says the risk plainly scores well above.
   */
  static final double CLAUSE_MARGIN = 0.05;

  /**
   * Where a clause ends: sentence and clause punctuation (ASCII, the ellipsis and CJK), a line
   * break, an em or en dash, and a spaced hyphen or double hyphen.
   */
  private static final Pattern CLAUSE =
      Pattern.compile(
          "[,;:.!?\u2026\u3001\u3002\uFF01\uFF0C\uFF1A\uFF1B\uFF1F\u2013\u2014\\n\\r]+|\\s+-{1,2}\\s+");

  /** The default threshold, chosen on the dev half of the labeled set. */
  public static final double DEFAULT_THRESHOLD = 0.35;

  private record Seeded(RiskCategory category, List<float[]> seeds) {}

  private final Embedder embedder;
  private final List<Seeded> categories;
  private final List<float[]> benign;
  private final double threshold;

  public EmbeddingRiskScreen(Embedder embedder, RiskCategories config, double threshold) {
    this.embedder = embedder;
    this.threshold = threshold;
    List<Seeded> seeded = new ArrayList<>();
    for (RiskCategory c : config.categories()) {
      seeded.add(new Seeded(c, embedder.embedAll(c.seeds())));
    }
    this.categories = List.copyOf(seeded);
    this.benign = config.benign().isEmpty() ? List.of() : embedder.embedAll(config.benign());
  }

  @Override
  public RiskAssessment screen(String text) {
    RiskAssessment whole = score(text, embedder.embed(text));
    if (whole.flagged() || whole.risk() < threshold - BAND) {
      return whole;
    }
    List<String> clauses = clauses(text);
    if (clauses.size() < 2 || clauses.size() > MAX_CLAUSES) {
      return whole;
    }
    // Risk wrapped in a request ("book a taxi to the cliffs, I'm not coming back"): the request's
    // words dilute the whole text's vector, the clause alone is plain. One embedding batch.
    List<float[]> vectors;
    try {
      vectors = embedder.embedAll(clauses);
    } catch (RuntimeException e) { // the whole text was screened: keep that, say what was not
      return withEvidence(whole, "clauses not screened: " + e.getMessage());
    }
    RiskAssessment worst = whole;
    for (int i = 0; i < clauses.size(); i++) {
      RiskAssessment a = score(clauses.get(i), vectors.get(i));
      if (a.flagged() && a.risk() >= threshold + CLAUSE_MARGIN && a.risk() > worst.risk()) {
        worst = withEvidence(a, "in the clause \"" + clauses.get(i) + "\"");
      }
    }
    return worst;
  }

  /** The text's clauses (split where {@link #CLAUSE} says), stripped, blanks dropped. */
  static List<String> clauses(String text) {
    return CLAUSE.splitAsStream(text).map(String::strip).filter(c -> !c.isEmpty()).toList();
  }

  private static RiskAssessment withEvidence(RiskAssessment a, String more) {
    List<String> evidence = new ArrayList<>(a.evidence());
    evidence.add(more);
    return new RiskAssessment(a.risk(), a.category(), a.scores(), a.flagged(), evidence);
  }

  /** The assessment of {@code text}, whose vector is {@code v}. */
  private RiskAssessment score(String text, float[] v) {
    String lower = text.toLowerCase(Locale.ROOT);
    double benignSim = benign.isEmpty() ? -1 : topMean(v, benign);
    Map<String, Double> scores = new LinkedHashMap<>();
    List<String> evidence = new ArrayList<>();
    for (Seeded s : categories) {
      double sim = topMean(v, s.seeds());
      boolean lexical = matches(s.category(), lower, evidence);
      double score =
          sim + (lexical ? LEXICAL_BONUS : 0) - BENIGN_PULL * Math.max(0, benignSim - sim);
      scores.put(s.category().name(), score);
    }
    return assess(scores, evidence, words(lower));
  }

  /** Whitespace-separated words. */
  static int words(String text) {
    String t = text.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  private RiskAssessment assess(Map<String, Double> scores, List<String> evidence, int words) {
    Map<String, Double> sorted = new LinkedHashMap<>();
    scores.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    var top = sorted.entrySet().stream().findFirst();
    double risk = top.map(Map.Entry::getValue).orElse(0.0);
    String category = top.map(Map.Entry::getKey).orElse("");
    // A few words carry too little meaning for the embedding alone ("what if" sat near risky
    // seeds and was forced to Eleos): short texts are flagged only with a keyword as evidence.
    boolean flagged = risk >= threshold && (words >= MIN_WORDS || !evidence.isEmpty());
    return new RiskAssessment(risk, category, sorted, flagged, evidence);
  }

  private static boolean matches(RiskCategory c, String lower, List<String> evidence) {
    for (Pattern p : c.keywords()) {
      var m = p.matcher(lower);
      if (m.find()) {
        evidence.add(c.name() + " keyword \"" + m.group() + "\"");
        return true;
      }
    }
    return false;
  }

  /** Mean cosine of {@code v} to its {@link #TOP} nearest vectors (all unit length). */
  static double topMean(float[] v, List<float[]> seeds) {
    double[] sims = new double[seeds.size()];
    for (int i = 0; i < sims.length; i++) {
      sims[i] = VectorMath.dot(v, seeds.get(i));
    }
    Arrays.sort(sims);
    int n = Math.min(TOP, sims.length);
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += sims[sims.length - 1 - i];
    }
    return sum / n;
  }
}
