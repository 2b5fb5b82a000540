package io.nyx.backend;

import java.util.List;

/**
 * One chat message, in the four kinds OpenAI's chat format has: system text, the user's turn, the
 * assistant's turn (which may call tools instead of, or besides, answering) and a tool's result
 * (answering one of those calls by its id). {@link #content} is the text a message carries; an
 * assistant turn that only calls tools has none (""), and goes to the model server as {@code
 * content: null}, as OpenAI clients send it.
 */
public sealed interface ChatMessage {

  /** "system", "user", "assistant" or "tool": the message's {@code role} on the wire. */
  String role();

  /** The text; "" when an assistant turn only calls tools. */
  String content();

  /** Characters the message carries, tool calls included: the prompt budget's estimate. */
  default int chars() {
    return content().length();
  }

  record SystemMessage(String content) implements ChatMessage {
    @Override
    public String role() {
      return "system";
    }
  }

  record UserMessage(String content) implements ChatMessage {
    @Override
    public String role() {
      return "user";
    }
  }

  /** {@code toolCalls} is empty for a plain answer. */
  record AssistantMessage(String content, List<ToolCall> toolCalls) implements ChatMessage {
    public AssistantMessage {
      toolCalls = List.copyOf(toolCalls);
    }

    @Override
    public String role() {
      return "assistant";
    }

    @Override
    public int chars() {
      int n = content.length();
      for (ToolCall call : toolCalls) {
        n += call.name().length() + call.arguments().length();
      }
      return n;
    }
  }

  /** The result of the tool call {@code toolCallId} of an earlier assistant turn. */
  record ToolMessage(String toolCallId, String content) implements ChatMessage {
    @Override
    public String role() {
      return "tool";
    }
  }

  static ChatMessage system(String content) {
    return new SystemMessage(content);
  }

  static ChatMessage user(String content) {
    return new UserMessage(content);
  }

  static ChatMessage assistant(String content) {
    return new AssistantMessage(content, List.of());
  }
}
