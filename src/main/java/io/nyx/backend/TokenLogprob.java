package io.nyx.backend;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One generated token and its log-probability (natural log, clamped by vLLM to >= -9999), with the
 * UTF-8 {@code bytes} of the token (null when the server gave none) and the most likely {@code top}
 * alternatives at that position, as many as were asked for ({@code top_logprobs}).
 */
public record TokenLogprob(
    String token, double logprob, @Nullable List<Integer> bytes, List<Candidate> top) {

  public TokenLogprob {
    bytes = bytes == null ? null : List.copyOf(bytes);
    top = List.copyOf(top);
  }

  /** A token with no bytes or alternatives: what scoring needs. */
  public TokenLogprob(String token, double logprob) {
    this(token, logprob, null, List.of());
  }

  /** One of the alternatives at a position. */
  public record Candidate(String token, double logprob, @Nullable List<Integer> bytes) {
    public Candidate {
      bytes = bytes == null ? null : List.copyOf(bytes);
    }
  }
}
