package io.nyx.context;

import java.time.Duration;
import java.time.Instant;

/**
 * How Mnemosyne ranks recalled memories:
 *
 * <pre>score = similarity + recency · 0.5^(age / halfLife) + importance · metadata.importance</pre>
 *
 * where similarity is the cosine to the query (in [-1,1]), age is now − created_at (0 for future
 * times) and {@code metadata.importance} is a number in [0,1] the writer may set (absent = 0, out
 * of range clipped). Relevance dominates: with the defaults (0.1, 30 days, 0.1) a memory can gain
 * at most 0.2, about the gap between a close paraphrase and a merely related sentence in MiniLM
 * space. So recency only reorders memories that are nearly as relevant, which is what subjective
 * memory needs ("I moved to Berlin" should beat last year's "I live in Paris"), and an old but
 * exact memory still wins over a new loosely related one. Importance lets a writer pin what must
 * not fade.
 */
public record RecallWeights(double recency, Duration halfLife, double importance) {
  public static final RecallWeights DEFAULT = new RecallWeights(0.1, Duration.ofDays(30), 0.1);

  /** Similarity only. */
  public static final RecallWeights NONE = new RecallWeights(0, Duration.ofDays(30), 0);

  public RecallWeights {
    if (!(recency >= 0 && recency <= 1) || !(importance >= 0 && importance <= 1)) {
      throw new IllegalArgumentException("recall weights must be in [0,1]");
    }
    if (halfLife.isNegative() || halfLife.isZero()) {
      throw new IllegalArgumentException("half life must be positive but was " + halfLife);
    }
  }

  double score(double similarity, Memory m, Instant now) {
    double ageMs = Math.max(0, Duration.between(m.createdAt(), now).toMillis());
    double fresh = Math.pow(0.5, ageMs / halfLife.toMillis());
    return similarity + recency * fresh + importance * importanceOf(m);
  }

  private static double importanceOf(Memory m) {
    return m.metadata().get("importance") instanceof Number n
        ? Math.max(0, Math.min(1, n.doubleValue()))
        : 0;
  }
}
