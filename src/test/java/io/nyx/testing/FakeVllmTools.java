package io.nyx.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * When and how the fake calls a tool, deterministically: with {@code tools} offered and {@code
 * tool_choice} not "none", it calls the named function (or, for "auto" and "required", the first
 * one) with {@code {"query": <last user message>}}; under "auto" it answers in words instead once
 * the conversation ends with a tool result, as a model does after reading it. vLLM's shapes: {@code
 * content: null}, {@code tool_calls[{id, type, function{name, arguments}}]}, finish_reason
 * "tool_calls"; streamed as a first piece with id and name, then pieces of the arguments.
 */
final class FakeVllmTools {
  private FakeVllmTools() {}

  /** One call the fake makes. */
  record Call(String id, String name, String arguments) {
    /** Tokens of the arguments: what is streamed, counted and given logprobs. */
    List<String> tokens() {
      return FakeVllmChat.tokens(arguments);
    }
  }

  /** The call for this request, or null when the fake answers in words. */
  static @Nullable Call choose(JsonNode body) {
    JsonNode tools = body.path("tools");
    if (!tools.isArray() || tools.isEmpty()) {
      return null;
    }
    JsonNode choice = body.path("tool_choice");
    String mode = choice.isTextual() ? choice.textValue() : choice.isObject() ? "named" : "auto";
    if (mode.equals("none") || (mode.equals("auto") && endsWithToolResult(body))) {
      return null;
    }
    String name =
        mode.equals("named")
            ? choice.path("function").path("name").asText()
            : tools.get(0).path("function").path("name").asText();
    String arguments =
        FakeVllmHttp.JSON
            .createObjectNode()
            .put("query", FakeVllmChat.lastUserMessage(body))
            .toString()
            .replace(":", ": "); // a space, so the arguments stream in several pieces
    return new Call(
        "chatcmpl-tool-" + UUID.randomUUID().toString().replace("-", ""), name, arguments);
  }

  private static boolean endsWithToolResult(JsonNode body) {
    JsonNode messages = body.path("messages");
    return messages.isArray()
        && !messages.isEmpty()
        && "tool".equals(messages.get(messages.size() - 1).path("role").asText());
  }
}
