package io.nyx.backend.openai;

import io.nyx.backend.BackendException;
import io.nyx.backend.BackendSettings;
import io.nyx.backend.ChatBackend;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.ChatResult;
import io.nyx.backend.ModelInfo;
import io.nyx.backend.StreamDelta;
import io.nyx.tracing.Tracer;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link ChatBackend} over vLLM's OpenAI-compatible API ({@code /chat/completions}, {@code
 * /models}). The adapter is chosen by the request's {@code model}; an empty model selects the base
 * model. Thread-safe: one instance serves all callers over one pooled HTTP/1.1 client.
 */
public final class OpenAiChatBackend implements ChatBackend {
  private static final String CHAT = "/chat/completions";

  private final HttpTransport http;

  public OpenAiChatBackend(BackendSettings settings) {
    this(settings, Tracer.OFF);
  }

  /**
   * Every call names {@code tracer}'s current span as its parent in a {@code traceparent} header
   * (vLLM started with {@code --otlp-traces-endpoint} continues the trace).
   */
  public OpenAiChatBackend(BackendSettings settings, Tracer tracer) {
    this.http = new HttpTransport(settings, tracer);
  }

  @Override
  public ChatResult complete(ChatRequest request) throws BackendException {
    HttpRequest post =
        http.post(CHAT, ChatWire.requestBody(request, false), request.requestId(), false);
    byte[] body = http.exchange(post, request.model());
    return ChatWire.parseCompletion(post.uri().toString(), body);
  }

  @Override
  public ChatResult stream(ChatRequest request, Consumer<StreamDelta> sink)
      throws BackendException {
    HttpRequest post =
        http.post(CHAT, ChatWire.requestBody(request, true), request.requestId(), true);
    SseReader stream = new SseReader(post.uri().toString(), sink);
    return http.stream(post, request.model(), stream::read);
  }

  @Override
  public List<ModelInfo> models() throws BackendException {
    HttpRequest get = http.get("/models");
    return ChatWire.parseModels(get.uri().toString(), http.exchange(get, ""));
  }

  @Override
  public String baseUrl() {
    return http.baseUrl();
  }
}
