package io.nyx.routing;

import io.nyx.memory.Embedder;
import io.nyx.memory.Encoded;
import io.nyx.memory.TokenVectors;
import java.util.Arrays;

/**
 * A second sentence encoder that orders the specialists of a close race and is asked before
 * abstaining ({@link SemanticRouter}'s class Javadoc; docs/routing.md, "The ranking model"): its
 * own router over every specialist's anchors, the rules for when it runs, and how its similarities
 * are put on the fit's scale. bge-small beside MiniLM: BGE orders intents better on the public
 * sets, MiniLM tells better whether any fits, and a question both find nothing for is seldom in
 * scope.
 */
final class RankingModel {
  /**
   * The token match's share of the ranking similarity: 0.2 (mean top-1 on the tune splits of
   * Banking77, HWU64, SLURP, the written sets and the shipped five 0.888 at 0.2, 0.890 at 0.3,
   * 0.882 at 0.4; the test splits 0.879, 0.876, 0.870).
   */
  static final double TOKEN_WEIGHT = 0.2;

  /**
   * The ranking model orders queries of at most this many word pieces; longer ones are ordered by
   * the fit alone. Intent-like questions are short (99 % of the labeled sets' queries have at most
   * 40 pieces), a long message carries token evidence enough for MiniLM, and bge-small's cost grows
   * with length with no cut at 128 tokens: on ~128-token messages it tripled a decision's time.
   */
  static final int MAX_PIECES = 48;

  /**
   * The ranking model runs only when the two best similarities are closer than this: a clear lead
   * is rarely reordered. Over the tune splits of the labeled sets 0.1 ranked 40 % of the queries
   * and kept all but 0.06 points of the mean top-1 that ranking every query gave (0.887 against
   * 0.888; 0.05: 22 % and 0.884; 0.2: 73 % and 0.888).
   */
  static final double MARGIN = 0.1;

  private final SemanticRouter own; // the ranking model's whole router, on its own anchors

  RankingModel(SemanticRouter own) {
    this.own = own;
  }

  Embedder model() {
    return own.embedder();
  }

  /**
   * The ranking model's own router: the same specialists and settings on its vectors, with its own
   * token match and threshold. Its centroids order close races; its decision is the second opinion
   * asked before abstaining (SemanticRouter's class Javadoc).
   */
  SemanticRouter router() {
    return own;
  }

  /**
   * Whether a query is short enough to be ranked: at most {@link #MAX_PIECES} word pieces (a
   * quarter of as many characters when the embedder gives no pieces to count).
   */
  static boolean shortEnough(Encoded own, String query) {
    TokenVectors t = own.tokens();
    return t.isEmpty() ? query.length() <= 4 * MAX_PIECES : t.count() <= MAX_PIECES;
  }

  /**
   * A specialist's ranking similarity: {@code (1 - r)·cos(query, ranking centroid) + r·maxsim}, r =
   * {@link #TOKEN_WEIGHT}, the token match being the routing model's.
   */
  static double rank(double cosine, double tokens) {
    return (1 - TOKEN_WEIGHT) * cosine + TOKEN_WEIGHT * tokens;
  }

  /** Whether the two largest of {@code sims} are within {@link #MARGIN} of each other. */
  static boolean closeRace(double[] sims) {
    double first = Double.NEGATIVE_INFINITY;
    double second = Double.NEGATIVE_INFINITY;
    for (double v : sims) {
      if (v > first) {
        second = first;
        first = v;
      } else if (v > second) {
        second = v;
      }
    }
    return first - second < MARGIN;
  }

  /**
   * {@code values} moved and stretched to the mean and spread {@code reference} has over the
   * specialists: the same order, in the units of the fit. The ranking model's cosines crowd into a
   * narrower band than MiniLM's (bge-small's sit between about 0.5 and 0.9), and the trait prior,
   * the master's close-race margin and the follow-up margins are all in the fit's units: on the raw
   * band a learned weight reordered far more often and hybrid mode saw more close races.
   */
  static double[] onScaleOf(double[] values, double[] reference) {
    double[] mv = meanAndSpread(values);
    double[] mr = meanAndSpread(reference);
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = mv[1] == 0 ? reference[i] : mr[0] + (values[i] - mv[0]) * (mr[1] / mv[1]);
    }
    return out;
  }

  /** The standard deviation of {@code x}. */
  static double spread(double[] x) {
    return meanAndSpread(x)[1];
  }

  /** {mean, standard deviation} of {@code x}. */
  private static double[] meanAndSpread(double[] x) {
    double mean = Arrays.stream(x).average().orElse(0);
    double squares = 0;
    for (double v : x) {
      squares += (v - mean) * (v - mean);
    }
    return new double[] {mean, Math.sqrt(squares / Math.max(1, x.length))};
  }
}
