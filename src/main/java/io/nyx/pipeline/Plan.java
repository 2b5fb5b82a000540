package io.nyx.pipeline;

import io.nyx.backend.ChatBackend;
import io.nyx.specialist.Decoding;
import org.jspecify.annotations.Nullable;

/**
 * Who answers and how: the specialist (null for the base model), the model id to send, its backend,
 * system prompt and decoding settings after the caller's overrides.
 */
record Plan(
    @Nullable String specialist,
    String model,
    ChatBackend backend,
    String systemPrompt,
    Decoding decoding) {

  String label() {
    return specialist == null ? "base" : specialist;
  }
}
