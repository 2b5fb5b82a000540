package io.nyx.pipeline;

import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatOptions;
import io.nyx.security.Caller;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * One request to answer. {@code query} is what routing sees (the last user message); {@code
 * conversation} is what the specialist sees (ending with that message); {@code callerSystem} is
 * system text the caller sent. Optional sampling values override the specialist's decoding
 * settings. {@code timeZone} is the user's zone for Kairos (null = the configured default). {@code
 * caller} owns the exchange: it is recorded with it, and memory recall shows only what its tenant
 * may see from {@code sessionId}. {@code options} are the client's further wishes of the model
 * (stop, seed, tools, ...), passed on to whichever model answers.
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
    boolean stream,
    @Nullable ZoneId timeZone,
    Caller caller,
    ChatOptions options) {

  public InferenceRequest {
    conversation = List.copyOf(conversation);
  }

  /** A request without client options. */
  public InferenceRequest(
      String query,
      List<ChatMessage> conversation,
      String callerSystem,
      @Nullable String sessionId,
      @Nullable String specialist,
      OptionalInt maxTokens,
      OptionalDouble temperature,
      OptionalDouble topP,
      boolean stream,
      @Nullable ZoneId timeZone,
      Caller caller) {
    this(
        query,
        conversation,
        callerSystem,
        sessionId,
        specialist,
        maxTokens,
        temperature,
        topP,
        stream,
        timeZone,
        caller,
        ChatOptions.NONE);
  }

  /** A request of the local user in the configured time zone. */
  public InferenceRequest(
      String query,
      List<ChatMessage> conversation,
      String callerSystem,
      @Nullable String sessionId,
      @Nullable String specialist,
      OptionalInt maxTokens,
      OptionalDouble temperature,
      OptionalDouble topP,
      boolean stream) {
    this(
        query,
        conversation,
        callerSystem,
        sessionId,
        specialist,
        maxTokens,
        temperature,
        topP,
        stream,
        null,
        Caller.LOCAL);
  }

  /** The same request in the user's zone. */
  public InferenceRequest withTimeZone(@Nullable ZoneId zone) {
    return new InferenceRequest(
        query,
        conversation,
        callerSystem,
        sessionId,
        specialist,
        maxTokens,
        temperature,
        topP,
        stream,
        zone,
        caller,
        options);
  }

  /** The same request made by {@code who}. */
  public InferenceRequest by(Caller who) {
    return new InferenceRequest(
        query,
        conversation,
        callerSystem,
        sessionId,
        specialist,
        maxTokens,
        temperature,
        topP,
        stream,
        timeZone,
        who,
        options);
  }

  /** A single question of the local user, as {@code POST /infer} sends it. */
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
