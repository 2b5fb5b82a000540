package io.nyx.foresight;

/** One future an answer described, with the probability it gave it, in [0,1]. */
public record Scenario(String text, double likelihood) {
  public Scenario {
    if (!(likelihood >= 0 && likelihood <= 1)) {
      throw new IllegalArgumentException("likelihood must be in [0,1] but was " + likelihood);
    }
  }
}
