package io.nyx.backend;

import java.util.List;

/**
 * A finished completion. {@code logprobs} holds one entry per generated token (empty when not
 * requested); {@code finishReason} is vLLM's ("stop", "length", ...) or "" when absent.
 */
public record ChatResult(
    String id,
    String model,
    String content,
    String finishReason,
    Usage usage,
    List<TokenLogprob> logprobs) {

  public ChatResult {
    logprobs = List.copyOf(logprobs);
  }
}
