package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.backend.StreamDelta;
import io.nyx.pipeline.InferenceListener;
import io.nyx.pipeline.InferencePipeline;
import io.nyx.pipeline.InferenceRequest;
import io.nyx.pipeline.InferenceResult;
import io.nyx.routing.RouteDecision;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One streamed chat completion, in OpenAI's SSE shape. Headers (with the query id and specialist)
 * go out once routing is done; a failure after that becomes an error event and {@code [DONE]}, as
 * vLLM does. Not thread-safe: used by the request's own thread.
 */
final class ChatSse implements InferenceListener {
  private final ServerResponse res;
  private final InstantSource clock;
  private final boolean includeUsage;
  private final boolean logprobs;
  private @Nullable OutputStream out;
  private String id = "";
  private String model = ChatApi.MODEL;

  /** {@code logprobs}: the client asked to see the tokens' logprobs. */
  ChatSse(ServerResponse res, InstantSource clock, boolean includeUsage, boolean logprobs) {
    this.res = res;
    this.clock = clock;
    this.includeUsage = includeUsage;
    this.logprobs = logprobs;
  }

  void run(InferencePipeline pipeline, InferenceRequest request) throws IOException {
    InferenceResult r;
    try {
      r = pipeline.infer(request, this);
    } catch (RuntimeException e) {
      if (out == null) {
        throw e;
      }
      HttpErrors.Mapped m = HttpErrors.map(e);
      event(HttpErrors.body(e, m));
      done();
      return;
    }
    event(chunk(Json.object(), ChatJson.finishReason(r.finishReason()), null));
    if (includeUsage) {
      ObjectNode usage = base();
      usage.putArray("choices");
      usage.set("usage", ChatJson.usage(r));
      event(usage);
    }
    done();
  }

  @Override
  public void routed(UUID queryId, RouteDecision decision, @Nullable String specialist) {
    id = "chatcmpl-" + queryId;
    model = ChatJson.model(specialist);
    res.status(Status.OK_200);
    res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.header("X-Nyx-Query-Id", queryId.toString());
    res.header("X-Nyx-Specialist", specialist == null ? "base" : specialist);
    out = res.outputStream();
    event(chunk(Json.object().put("role", "assistant").put("content", ""), null, null));
  }

  /**
   * Content, pieces of tool calls, and (when the client asked) the logprobs of exactly the tokens
   * in the delta, as vLLM streams them.
   */
  @Override
  public void delta(StreamDelta delta) {
    boolean showLogprobs = logprobs && !delta.logprobs().isEmpty();
    if (delta.content().isEmpty() && delta.toolCalls().isEmpty() && !showLogprobs) {
      return;
    }
    ObjectNode d = Json.object();
    if (!delta.content().isEmpty()) {
      d.put("content", delta.content());
    }
    if (!delta.toolCalls().isEmpty()) {
      d.set("tool_calls", ChatJson.toolCallDeltas(delta.toolCalls()));
    }
    event(chunk(d, null, showLogprobs ? ChatJson.logprobs(delta.logprobs()) : null));
  }

  private ObjectNode base() {
    return Json.object()
        .put("id", id)
        .put("object", "chat.completion.chunk")
        .put("created", clock.instant().getEpochSecond())
        .put("model", model);
  }

  private ObjectNode chunk(
      ObjectNode delta, @Nullable String finishReason, @Nullable ObjectNode tokenLogprobs) {
    ObjectNode o = base();
    ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    if (tokenLogprobs == null) {
      choice.putNull("logprobs");
    } else {
      choice.set("logprobs", tokenLogprobs);
    }
    choice.put("finish_reason", finishReason);
    return o;
  }

  private void event(ObjectNode data) {
    write("data: " + new String(Json.bytes(data), StandardCharsets.UTF_8) + "\n\n");
  }

  private void done() {
    write("data: [DONE]\n\n");
    try {
      opened().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(String s) {
    OutputStream o = opened();
    try {
      o.write(s.getBytes(StandardCharsets.UTF_8));
      o.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("client went away", e);
    }
  }

  private OutputStream opened() {
    return Objects.requireNonNull(out, "events go out only after routed() has sent the headers");
  }
}
