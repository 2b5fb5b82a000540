package io.nyx.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.backend.ChatMessage;
import io.nyx.pipeline.NyxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads OpenAI {@code messages}: system/developer text is gathered apart (Nyx puts the specialist's
 * prompt first), user and assistant turns are kept in order, and the last turn must be the user's.
 * Content may be a string or an array of {@code {"type":"text","text":...}} parts.
 */
final class ChatMessages {
  record Parsed(String system, List<ChatMessage> conversation, String query) {}

  private ChatMessages() {}

  static Parsed parse(JsonNode messages, int maxChars) {
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new NyxException.BadRequest("messages", "'messages' must be a non-empty array");
    }
    StringBuilder system = new StringBuilder();
    List<ChatMessage> turns = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < messages.size(); i++) {
      String at = "messages[" + i + "]";
      JsonNode m = messages.get(i);
      String role = role(m, at);
      String content = content(m.get("content"), at);
      total += content.length();
      if (role.equals("system") || role.equals("developer")) {
        system.append(system.isEmpty() ? "" : "\n\n").append(content);
      } else {
        turns.add(new ChatMessage(role, content));
      }
    }
    if (total > maxChars) {
      throw new NyxException.BadRequest(
          "messages", "messages hold " + total + " characters; at most " + maxChars + " allowed");
    }
    if (turns.isEmpty() || !turns.getLast().role().equals("user")) {
      throw new NyxException.BadRequest(
          "messages", "the last non-system message must have role 'user'");
    }
    return new Parsed(system.toString(), turns, turns.getLast().content());
  }

  private static String role(JsonNode m, String at) {
    if (m == null || !m.isObject()) {
      throw new NyxException.BadRequest(at, "'" + at + "' must be an object with role and content");
    }
    JsonNode r = m.get("role");
    String role = r != null && r.isTextual() ? r.textValue() : "";
    return switch (role) {
      case "system", "developer", "user", "assistant" -> role;
      default ->
          throw new NyxException.BadRequest(
              at + ".role", "'" + at + ".role' must be one of system, developer, user, assistant");
    };
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
        at + ".content", "'" + at + ".content' must be a string or an array of text parts");
  }
}
