package io.nyx.backend.openai;

import static io.nyx.backend.openai.WireJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.backend.BackendException;
import io.nyx.backend.ChatResult;
import io.nyx.backend.StreamDelta;
import io.nyx.backend.TokenLogprob;
import io.nyx.backend.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads one SSE chat stream (docs/operations.md, "The model server"): {@code data: <json>} lines,
 * blank separators, {@code :} comments, ending with {@code data: [DONE]}. Content deltas go to the
 * sink as they come; content, logprobs, finish reason and the final usage chunk ({@code "choices":
 * []}) are aggregated. vLLM sends one JSON document per data line, so multi-line events are not
 * joined. One instance per stream, used by one thread.
 */
final class SseReader {
  private final String url;
  private final Consumer<StreamDelta> sink;
  private final StringBuilder content = new StringBuilder();
  private final List<TokenLogprob> logprobs = new ArrayList<>();
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
    if (!piece.isEmpty() || !pieceLogprobs.isEmpty()) {
      content.append(piece);
      logprobs.addAll(pieceLogprobs);
      sink.accept(new StreamDelta(piece, pieceLogprobs));
    }
    String reason = text(choice, "finish_reason");
    if (!reason.isEmpty()) {
      finishReason = reason;
    }
  }

  private ChatResult result() {
    return new ChatResult(id, model, content.toString(), finishReason, usage, logprobs);
  }
}
