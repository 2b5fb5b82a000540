package io.nyx.backend;

import java.util.List;

/**
 * A finished completion. {@code logprobs} holds one entry per generated token (empty when not
 * requested); {@code finishReason} is vLLM's ("stop", "length", "tool_calls", ...) or "" when
 * absent; {@code toolCalls} are the functions the model called (empty for a plain answer).
 */
public record ChatResult(
    String id,
    String model,
    String content,
    String finishReason,
    Usage usage,
    List<TokenLogprob> logprobs,
    List<ToolCall> toolCalls) {

  public ChatResult {
    logprobs = List.copyOf(logprobs);
    toolCalls = List.copyOf(toolCalls);
  }

  /** An answer without tool calls. */
  public ChatResult(
      String id,
      String model,
      String content,
      String finishReason,
      Usage usage,
      List<TokenLogprob> logprobs) {
    this(id, model, content, finishReason, usage, logprobs, List.of());
  }
}
