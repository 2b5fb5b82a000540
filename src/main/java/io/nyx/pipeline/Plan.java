package io.nyx.pipeline;

import io.nyx.backend.ChatBackend;
import io.nyx.specialist.Decoding;
import org.jspecify.annotations.Nullable;

/**
 * Who answers and how: the specialist (null for the base model), the model id to send, its backend,
 * system prompt and decoding settings after the caller's overrides, the adapter version the model
 * id serves (null: no registered version, e.g. the base model) and, when the base model answers for
 * a specialist whose adapter is out of rotation, why ({@code fallback}; "" otherwise).
 */
record Plan(
    @Nullable String specialist,
    String model,
    ChatBackend backend,
    String systemPrompt,
    Decoding decoding,
    @Nullable Integer adapterVersion,
    String fallback) {

  /** No registered version, nothing to explain. */
  Plan(
      @Nullable String specialist,
      String model,
      ChatBackend backend,
      String systemPrompt,
      Decoding decoding) {
    this(specialist, model, backend, systemPrompt, decoding, null, "");
  }

  String label() {
    return specialist == null ? "base" : specialist;
  }
}
