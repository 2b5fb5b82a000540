package io.nyx.backend;

import org.jspecify.annotations.Nullable;

/**
 * A piece of a streamed tool call: the first piece of call {@code index} carries its {@code id} and
 * {@code name}, later pieces only more {@code arguments} text (vLLM streams tool calls as OpenAI
 * does).
 */
public record ToolCallDelta(
    int index, @Nullable String id, @Nullable String name, String arguments) {}
