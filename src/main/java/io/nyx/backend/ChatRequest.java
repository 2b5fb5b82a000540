package io.nyx.backend;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What Nyx sends to the backend. Sampling parameters are always explicit. {@code model} is the
 * adapter name (or the base model name). {@code responseFormat}, when set, is Nyx's own structured
 * output (the routing master's), sent as OpenAI's {@code response_format: {type: json_schema,
 * json_schema: {name, schema, strict: true}}} — never the removed {@code guided_*} fields (vLLM
 * 0.12 ignores them silently). {@code topLogprobs} is what is asked of the server: Nyx's own need
 * or the client's, whichever is more. {@code options} are the client's own fields, passed on as
 * given. {@code requestId} is sent as the {@code X-Request-Id} header.
 */
public record ChatRequest(
    String model,
    List<ChatMessage> messages,
    double temperature,
    double topP,
    int maxTokens,
    boolean logprobs,
    int topLogprobs,
    @Nullable JsonSchemaFormat responseFormat,
    @Nullable String requestId,
    ChatOptions options) {

  public ChatRequest {
    messages = List.copyOf(messages);
  }

  /** A request with no client options (Nyx's own calls). */
  public ChatRequest(
      String model,
      List<ChatMessage> messages,
      double temperature,
      double topP,
      int maxTokens,
      boolean logprobs,
      int topLogprobs,
      @Nullable JsonSchemaFormat responseFormat,
      @Nullable String requestId) {
    this(
        model,
        messages,
        temperature,
        topP,
        maxTokens,
        logprobs,
        topLogprobs,
        responseFormat,
        requestId,
        ChatOptions.NONE);
  }
}
