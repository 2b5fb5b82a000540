package io.nyx.backend;

import java.util.List;
import java.util.function.Consumer;

/**
 * An OpenAI-compatible chat server (vLLM first). Implementations are thread-safe and reuse
 * connections; every call has a connect and a read timeout.
 */
public interface ChatBackend {

  /** Non-streaming completion. */
  ChatResult complete(ChatRequest request) throws BackendException;

  /**
   * Streaming completion (SSE). Each content delta is handed to {@code sink} on the calling thread
   * as it arrives; the aggregated result (content, usage, logprobs, finish reason) is returned at
   * the end. A mid-stream error event raises {@link BackendException} after some deltas may have
   * been delivered ({@link BackendException#afterFirstByte()} is then true).
   */
  ChatResult stream(ChatRequest request, Consumer<StreamDelta> sink) throws BackendException;

  /** {@code GET /v1/models}: the base model(s) and loaded adapters. */
  List<ModelInfo> models() throws BackendException;

  /** The base URL, e.g. {@code http://localhost:8000/v1}, for messages that name the backend. */
  String baseUrl();
}
