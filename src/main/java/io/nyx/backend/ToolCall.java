package io.nyx.backend;

/**
 * A function call the model made (OpenAI's {@code tool_calls[]} of type "function"). {@code
 * arguments} is the JSON text the model generated, kept as text: it is the model's output and may
 * not even parse.
 */
public record ToolCall(String id, String name, String arguments) {}
