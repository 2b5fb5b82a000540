package io.nyx.backend.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ToolCall;
import java.util.List;

/**
 * Chat messages and tool calls in OpenAI's JSON shapes: what is sent to the model server, and what
 * the request log stores as the exact prompt (so a stored prompt can be sent again as it is).
 */
public final class OpenAiMessages {
  private OpenAiMessages() {}

  /**
   * OpenAI's message shapes: an assistant turn that only calls tools has {@code content: null}; a
   * tool result names the call it answers.
   */
  public static ObjectNode message(ChatMessage m) {
    ObjectNode o = WireJson.object().put("role", m.role());
    switch (m) {
      case ChatMessage.AssistantMessage a -> {
        if (a.content().isEmpty() && !a.toolCalls().isEmpty()) {
          o.putNull("content");
        } else {
          o.put("content", a.content());
        }
        if (!a.toolCalls().isEmpty()) {
          o.set("tool_calls", toolCalls(a.toolCalls()));
        }
      }
      case ChatMessage.ToolMessage t ->
          o.put("tool_call_id", t.toolCallId()).put("content", t.content());
      case ChatMessage.SystemMessage sys -> o.put("content", sys.content());
      case ChatMessage.UserMessage u -> o.put("content", u.content());
    }
    return o;
  }

  public static ArrayNode toolCalls(List<ToolCall> calls) {
    ArrayNode out = WireJson.MAPPER.createArrayNode();
    for (ToolCall c : calls) {
      ObjectNode call = out.addObject().put("id", c.id()).put("type", "function");
      call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
    }
    return out;
  }
}
