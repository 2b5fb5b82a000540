package io.nyx.pipeline;

import io.nyx.backend.ChatMessage;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * One request to answer. {@code query} is what routing sees (the last user message); {@code
 * conversation} is what the specialist sees (ending with that message); {@code callerSystem} is
 * system text the caller sent. Optional sampling values override the specialist's decoding
 * settings.
 */
public record InferenceRequest(
    String query,
    List<ChatMessage> conversation,
    String callerSystem,
    @Nullable String sessionId,
    @Nullable String specialist,
    OptionalInt maxTokens,
    OptionalDouble temperature,
    OptionalDouble topP,
    boolean stream) {

  public InferenceRequest {
    conversation = List.copyOf(conversation);
  }

  /** A single question, as {@code POST /infer} sends it. */
  public static InferenceRequest ofQuery(
      String query,
      @Nullable String sessionId,
      @Nullable String specialist,
      OptionalInt maxTokens) {
    return new InferenceRequest(
        query,
        List.of(ChatMessage.user(query)),
        "",
        sessionId,
        specialist,
        maxTokens,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        false);
  }
}
