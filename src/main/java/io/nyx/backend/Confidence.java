package io.nyx.backend;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Confidence of an answer from its token log-probabilities: the geometric-mean token probability,
 * {@code exp(mean(logprob))}, in (0,1]. It is length-independent, unlike the sequence probability,
 * so long answers are not punished for being long.
 */
public final class Confidence {
  private Confidence() {}

  /** Empty when the backend returned no logprobs. */
  public static OptionalDouble fromLogprobs(List<TokenLogprob> logprobs) {
    if (logprobs.isEmpty()) {
      return OptionalDouble.empty();
    }
    double sum = 0;
    for (TokenLogprob t : logprobs) {
      sum += Math.max(t.logprob(), -9999.0);
    }
    return OptionalDouble.of(Math.exp(sum / logprobs.size()));
  }
}
