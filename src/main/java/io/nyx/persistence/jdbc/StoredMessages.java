package io.nyx.persistence.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ToolCall;
import io.nyx.backend.openai.OpenAiMessages;
import java.util.ArrayList;
import java.util.List;

/**
 * Chat messages and tool calls as stored rows and spool frames keep them: OpenAI's chat shapes
 * ({@code {"role","content"}}; an assistant turn's {@code tool_calls[]} of {@code {"id", "type":
 * "function", "function": {"name", "arguments"}}}, with {@code content: null} when it only calls
 * tools; a tool result's {@code tool_call_id}), so the fine-tuning export hands them on as they
 * are. Rows written before tool calls existed read as before. Stateless; thread-safe.
 */
public final class StoredMessages {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StoredMessages() {}

  /** The messages as they were sent: OpenAI's shapes ({@link OpenAiMessages}). */
  public static ArrayNode tree(List<ChatMessage> messages) {
    ArrayNode out = MAPPER.createArrayNode();
    messages.forEach(m -> out.add(OpenAiMessages.message(m)));
    return out;
  }

  public static List<ChatMessage> read(JsonNode messages) {
    List<ChatMessage> out = new ArrayList<>();
    for (JsonNode m : messages) {
      String content = m.path("content").isTextual() ? m.path("content").textValue() : "";
      String role = m.path("role").asText();
      out.add(
          switch (role) {
            case "system" -> ChatMessage.system(content);
            case "user" -> ChatMessage.user(content);
            case "assistant" ->
                new ChatMessage.AssistantMessage(content, readToolCalls(m.path("tool_calls")));
            case "tool" -> new ChatMessage.ToolMessage(m.path("tool_call_id").asText(), content);
            default -> throw new IllegalStateException("stored message with role '" + role + "'");
          });
    }
    return out;
  }

  public static ArrayNode toolCalls(List<ToolCall> calls) {
    return OpenAiMessages.toolCalls(calls);
  }

  public static List<ToolCall> readToolCalls(JsonNode calls) {
    List<ToolCall> out = new ArrayList<>();
    for (JsonNode c : calls) {
      JsonNode f = c.path("function");
      out.add(
          new ToolCall(
              c.path("id").asText(), f.path("name").asText(), f.path("arguments").asText()));
    }
    return out;
  }
}
