package io.nyx.backend;

import java.util.List;

/**
 * One delta of a stream: content, the logprobs of exactly the tokens in it, and pieces of tool
 * calls (empty unless the model is calling tools).
 */
public record StreamDelta(
    String content, List<TokenLogprob> logprobs, List<ToolCallDelta> toolCalls) {
  public StreamDelta {
    logprobs = List.copyOf(logprobs);
    toolCalls = List.copyOf(toolCalls);
  }

  public StreamDelta(String content, List<TokenLogprob> logprobs) {
    this(content, logprobs, List.of());
  }
}
