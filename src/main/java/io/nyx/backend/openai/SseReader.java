package io.nyx.backend.openai;

import static io.nyx.backend.openai.WireJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.backend.BackendException;
import io.nyx.backend.ChatResult;
import io.nyx.backend.StreamDelta;
import io.nyx.backend.TokenLogprob;
import io.nyx.backend.ToolCall;
import io.nyx.backend.ToolCallDelta;
import io.nyx.backend.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads one SSE chat stream (docs/operations.md, "The model server"): {@code data: <json>} lines,
 * blank separators, {@code :} comments, ending with {@code data: [DONE]}. Deltas (content,
 * logprobs, pieces of tool calls) go to the sink as they come; content, logprobs, tool calls
 * (joined per call index), finish reason and the final usage chunk ({@code "choices": []}) are
 * aggregated. vLLM sends one JSON document per data line, so multi-line events are not joined. One
 * instance per stream, used by one thread.
 */
final class SseReader {
  private final String url;
  private final Consumer<StreamDelta> sink;
  private final StringBuilder content = new StringBuilder();
  private final List<TokenLogprob> logprobs = new ArrayList<>();
  private final Map<Integer, PartialCall> calls = new TreeMap<>();
  private String id = "";
  private String model = "";
  private String finishReason = "";
  private Usage usage = Usage.NONE;

  SseReader(String url, Consumer<StreamDelta> sink) {
    this.url = url;
    this.sink = sink;
  }

  ChatResult read(BodyLines lines) throws BackendException {
    for (String line = lines.next(); line != null; line = lines.next()) {
      String data = data(line);
      if (data == null) {
        continue;
      }
      if (data.equals("[DONE]")) {
        lines.drain();
        return result();
      }
      onEvent(parse(data, lines), lines);
    }
    if (finishReason.isEmpty()) {
      throw new BackendException.Malformed(
          url, "the stream ended without [DONE] or a finish_reason", lines.afterFirstByte(), null);
    }
    return result(); // finished but cut before the usage chunk / [DONE]: the content is complete
  }

  private static @Nullable String data(String line) {
    if (!line.startsWith("data:")) {
      return null; // blank separator, ": comment", or event:/id:/retry: fields vLLM never sends
    }
    return line.substring("data:".length()).strip();
  }

  private JsonNode parse(String data, BodyLines lines) throws BackendException {
    JsonNode event = WireJson.tryParse(data);
    lines.eventSeen();
    if (event == null || !event.isObject()) {
      String shown = data.length() <= 200 ? data : data.substring(0, 200) + "...";
      throw new BackendException.Malformed(url, "bad stream event: " + shown, true, null);
    }
    return event;
  }

  private void onEvent(JsonNode event, BodyLines lines) throws BackendException {
    JsonNode error = event.path("error");
    if (!error.isMissingNode() && !error.isNull()) {
      throw UpstreamErrors.fromStreamEvent(url, event);
    }
    id = id.isEmpty() ? text(event, "id") : id;
    model = model.isEmpty() ? text(event, "model") : model;
    if (event.path("usage").isObject()) {
      usage = ChatWire.usage(event.path("usage"));
    }
    JsonNode choice = event.path("choices").path(0); // n = 1
    if (choice.isObject()) {
      onChoice(choice);
    }
    lines.eventSeen();
  }

  private void onChoice(JsonNode choice) {
    String piece = text(choice.path("delta"), "content");
    List<TokenLogprob> pieceLogprobs = ChatWire.logprobs(choice.path("logprobs"));
    List<ToolCallDelta> pieceCalls = toolCallDeltas(choice.path("delta").path("tool_calls"));
    if (!piece.isEmpty() || !pieceLogprobs.isEmpty() || !pieceCalls.isEmpty()) {
      content.append(piece);
      logprobs.addAll(pieceLogprobs);
      pieceCalls.forEach(d -> calls.computeIfAbsent(d.index(), i -> new PartialCall()).add(d));
      sink.accept(new StreamDelta(piece, pieceLogprobs, pieceCalls));
    }
    String reason = text(choice, "finish_reason");
    if (!reason.isEmpty()) {
      finishReason = reason;
    }
  }

  /** {@code delta.tool_calls[]}: {@code index}, and {@code id}, {@code function.name} once. */
  private static List<ToolCallDelta> toolCallDeltas(JsonNode deltas) {
    List<ToolCallDelta> out = new ArrayList<>();
    for (int i = 0; i < deltas.size(); i++) {
      JsonNode d = deltas.get(i);
      JsonNode f = d.path("function");
      int index = d.path("index").isInt() ? d.path("index").asInt() : i;
      out.add(
          new ToolCallDelta(
              index,
              WireJson.textOrNull(d, "id"),
              WireJson.textOrNull(f, "name"),
              text(f, "arguments")));
    }
    return out;
  }

  private ChatResult result() {
    List<ToolCall> done = new ArrayList<>();
    calls.values().forEach(c -> c.finish().ifPresent(done::add));
    return new ChatResult(id, model, content.toString(), finishReason, usage, logprobs, done);
  }

  /** One streamed tool call as its pieces arrive; a call whose name never came is dropped. */
  private static final class PartialCall {
    private String id = "";
    private String name = "";
    private final StringBuilder arguments = new StringBuilder();

    void add(ToolCallDelta d) {
      String firstId = d.id();
      if (firstId != null && id.isEmpty()) {
        id = firstId;
      }
      String firstName = d.name();
      if (firstName != null && name.isEmpty()) {
        name = firstName;
      }
      arguments.append(d.arguments());
    }

    java.util.Optional<ToolCall> finish() {
      return name.isEmpty()
          ? java.util.Optional.empty()
          : java.util.Optional.of(new ToolCall(id, name, arguments.toString()));
    }
  }
}
