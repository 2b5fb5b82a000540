package io.nyx.pipeline;

import io.nyx.backend.ChatMessage;
import io.nyx.context.ContextItem;
import java.util.List;
import java.util.Map;

/**
 * What {@link ContextStage} built: the messages sent to the model, the context items that made it
 * into them (the only ones an answer may cite), what the token budget dropped, and the context
 * sources that failed ({@code "memory: database unavailable"}), so the answer can say its context
 * was incomplete.
 */
record Prompt(
    List<ChatMessage> messages,
    List<ContextItem> kept,
    List<Map<String, Object>> dropped,
    List<String> incomplete) {
  Prompt {
    messages = List.copyOf(messages);
    kept = List.copyOf(kept);
    dropped = List.copyOf(dropped);
    incomplete = List.copyOf(incomplete);
  }
}
