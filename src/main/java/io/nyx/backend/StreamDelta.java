package io.nyx.backend;

import java.util.List;

/** One content delta of a stream, with the logprobs of exactly the tokens in it. */
public record StreamDelta(String content, List<TokenLogprob> logprobs) {
  public StreamDelta {
    logprobs = List.copyOf(logprobs);
  }
}
