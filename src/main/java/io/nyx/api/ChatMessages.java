package io.nyx.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ToolCall;
import io.nyx.pipeline.NyxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads OpenAI {@code messages}: system/developer text is gathered apart (Nyx puts the specialist's
 * prompt first); user, assistant and tool turns are kept in order and reach the model as sent, tool
 * calls included. The conversation ends with the user's turn, or with the results of the tool calls
 * the assistant made (the second turn of a tool-calling exchange); the last user message is the
 * query Nyx routes and records. Content may be a string or an array of {@code
 * {"type":"text","text":...}} parts; an assistant turn that calls tools may have {@code content:
 * null}. A field that cannot reach the model is refused, naming it (a key set to null counts as
 * absent, as the SDKs send back whole response messages).
 */
final class ChatMessages {
  record Parsed(String system, List<ChatMessage> conversation, String query) {}

  private static final Set<String> KEYS = Set.of("role", "content");

  /** Keys of a message that Nyx cannot pass on, and why. */
  private static final Map<String, String> REFUSED =
      Map.of(
          "name", "participant names are not passed to the model",
          "refusal", "a refusal in the history cannot be passed to the model",
          "audio", "audio is not supported: Nyx's models read and write text",
          "function_call", "deprecated by OpenAI; send 'tool_calls' instead");

  private ChatMessages() {}

  static Parsed parse(JsonNode messages, int maxChars) {
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new NyxException.BadRequest("messages", "'messages' must be a non-empty array");
    }
    StringBuilder system = new StringBuilder();
    List<ChatMessage> turns = new ArrayList<>();
    Set<String> callIds = new HashSet<>();
    @Nullable String query = null;
    for (int i = 0; i < messages.size(); i++) {
      String at = "messages[" + i + "]";
      ChatMessage m = message(messages.get(i), at, callIds);
      switch (m) {
        case ChatMessage.SystemMessage s ->
            system.append(system.isEmpty() ? "" : "\n\n").append(s.content());
        case ChatMessage.UserMessage u -> {
          query = u.content();
          turns.add(u);
        }
        case ChatMessage.AssistantMessage a -> turns.add(a);
        case ChatMessage.ToolMessage t -> turns.add(t);
      }
    }
    int total = system.length() + turns.stream().mapToInt(ChatMessage::chars).sum();
    if (total > maxChars) {
      throw new NyxException.BadRequest(
          "messages", "messages hold " + total + " characters; at most " + maxChars + " allowed");
    }
    if (query == null || turns.getLast() instanceof ChatMessage.AssistantMessage) {
      throw new NyxException.BadRequest(
          "messages",
          "the conversation must end with a 'user' message, or with the 'tool' results of the"
              + " assistant's tool calls, and hold a 'user' message");
    }
    return new Parsed(system.toString(), turns, query);
  }

  private static ChatMessage message(JsonNode m, String at, Set<String> callIds) {
    if (m == null || !m.isObject()) {
      throw new NyxException.BadRequest(at, "'" + at + "' must be an object with role and content");
    }
    JsonNode r = m.get("role");
    String role = r != null && r.isTextual() ? r.textValue() : "";
    return switch (role) {
      case "system", "developer" -> {
        keys(m, at, KEYS);
        yield ChatMessage.system(content(m.get("content"), at));
      }
      case "user" -> {
        keys(m, at, KEYS);
        yield ChatMessage.user(content(m.get("content"), at));
      }
      case "assistant" -> assistant(m, at, callIds);
      case "tool" -> tool(m, at, callIds);
      case "function" ->
          throw new NyxException.BadRequest(
              at + ".role", "role 'function' is deprecated by OpenAI; send role 'tool' instead");
      default ->
          throw new NyxException.BadRequest(
              at + ".role",
              "'" + at + ".role' must be one of system, developer, user, assistant, tool");
    };
  }

  private static ChatMessage assistant(JsonNode m, String at, Set<String> callIds) {
    keys(m, at, Set.of("role", "content", "tool_calls", "annotations"));
    JsonNode annotations = m.get("annotations");
    if (annotations != null && !(annotations.isArray() && annotations.isEmpty())) {
      throw new NyxException.BadRequest(
          at + ".annotations", "annotations in the history cannot be passed to the model");
    }
    List<ToolCall> calls = toolCalls(m.get("tool_calls"), at + ".tool_calls");
    calls.forEach(c -> callIds.add(c.id()));
    JsonNode c = m.get("content");
    if ((c == null || c.isNull()) && !calls.isEmpty()) {
      return new ChatMessage.AssistantMessage("", calls);
    }
    return new ChatMessage.AssistantMessage(content(c, at), calls);
  }

  private static ChatMessage tool(JsonNode m, String at, Set<String> callIds) {
    keys(m, at, Set.of("role", "content", "tool_call_id"));
    JsonNode id = m.get("tool_call_id");
    if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
      throw new NyxException.BadRequest(
          at + ".tool_call_id", "'" + at + ".tool_call_id' is required: the id of the call");
    }
    if (!callIds.contains(id.textValue())) {
      throw new NyxException.BadRequest(
          at + ".tool_call_id",
          "'"
              + at
              + ".tool_call_id' is '"
              + id.textValue()
              + "', which no earlier assistant message's tool_calls has");
    }
    return new ChatMessage.ToolMessage(id.textValue(), content(m.get("content"), at));
  }

  /** {@code [{"id","type":"function","function":{"name","arguments"}}]}; absent is none. */
  private static List<ToolCall> toolCalls(JsonNode calls, String at) {
    if (calls == null || calls.isNull()) {
      return List.of();
    }
    if (!calls.isArray()) {
      throw new NyxException.BadRequest(at, "'" + at + "' must be an array of tool calls");
    }
    List<ToolCall> out = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      String here = at + "[" + i + "]";
      JsonNode call = calls.get(i);
      JsonNode f = call.path("function");
      if (!"function".equals(call.path("type").asText())) {
        throw new NyxException.BadRequest(
            here + ".type", "only tool calls of type 'function' are supported");
      }
      out.add(
          new ToolCall(
              text(call.get("id"), here + ".id"),
              text(f.get("name"), here + ".function.name"),
              text(f.get("arguments"), here + ".function.arguments")));
    }
    return out;
  }

  private static String text(JsonNode n, String at) {
    if (n == null || !n.isTextual()) {
      throw new NyxException.BadRequest(at, "'" + at + "' is required and must be a string");
    }
    return n.textValue();
  }

  /** Refuses keys outside {@code allowed} that carry a value, naming the first. */
  private static void keys(JsonNode m, String at, Set<String> allowed) {
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (allowed.contains(e.getKey()) || e.getValue().isNull()) {
        continue;
      }
      String field = at + "." + e.getKey();
      String why = REFUSED.getOrDefault(e.getKey(), "unknown field");
      throw new NyxException.BadRequest(field, "'" + field + "' is not supported: " + why);
    }
  }

  private static String content(JsonNode c, String at) {
    if (c != null && c.isTextual()) {
      return c.textValue();
    }
    if (c != null && c.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : c) {
        JsonNode text = part.get("text");
        if (!"text".equals(part.path("type").asText()) || text == null || !text.isTextual()) {
          throw new NyxException.BadRequest(
              at + ".content",
              "only text content parts ({\"type\":\"text\",\"text\":...}) are supported");
        }
        sb.append(text.textValue());
      }
      return sb.toString();
    }
    throw new NyxException.BadRequest(
        at + ".content",
        "'"
            + at
            + ".content' must be a string or an array of text parts (null only for an assistant"
            + " message with tool_calls)");
  }
}
