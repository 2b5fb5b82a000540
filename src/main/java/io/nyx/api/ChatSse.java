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
  private @Nullable OutputStream out;
  private String id = "";
  private String model = ChatApi.MODEL;

  ChatSse(ServerResponse res, InstantSource clock, boolean includeUsage) {
    this.res = res;
    this.clock = clock;
    this.includeUsage = includeUsage;
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
    event(chunk(Json.object(), r.finishReason().isEmpty() ? "stop" : r.finishReason()));
    if (includeUsage) {
      ObjectNode usage = base();
      usage.putArray("choices");
      usage.set("usage", usage(r));
      event(usage);
    }
    done();
  }

  @Override
  public void routed(UUID queryId, RouteDecision decision, @Nullable String specialist) {
    id = "chatcmpl-" + queryId;
    model = specialist == null ? ChatApi.MODEL : ChatApi.MODEL + "/" + specialist;
    res.status(Status.OK_200);
    res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.header("X-Nyx-Query-Id", queryId.toString());
    res.header("X-Nyx-Specialist", specialist == null ? "base" : specialist);
    out = res.outputStream();
    event(chunk(Json.object().put("role", "assistant").put("content", ""), null));
  }

  @Override
  public void delta(StreamDelta delta) {
    if (!delta.content().isEmpty()) {
      event(chunk(Json.object().put("content", delta.content()), null));
    }
  }

  private ObjectNode base() {
    return Json.object()
        .put("id", id)
        .put("object", "chat.completion.chunk")
        .put("created", clock.instant().getEpochSecond())
        .put("model", model);
  }

  private ObjectNode chunk(ObjectNode delta, @Nullable String finishReason) {
    ObjectNode o = base();
    ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
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

  static ObjectNode usage(InferenceResult r) {
    int p = r.usage().promptTokens();
    int c = r.usage().completionTokens();
    return Json.object()
        .put("prompt_tokens", p)
        .put("completion_tokens", c)
        .put("total_tokens", p + c);
  }

  /** The non-streaming response body. */
  static ObjectNode completion(InferenceResult r, InstantSource clock) {
    ObjectNode o = Json.object();
    o.put("id", "chatcmpl-" + r.id());
    o.put("object", "chat.completion");
    o.put("created", clock.instant().getEpochSecond());
    o.put("model", r.specialist() == null ? ChatApi.MODEL : ChatApi.MODEL + "/" + r.specialist());
    ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", r.answer());
    choice.putNull("logprobs");
    choice.put("finish_reason", r.finishReason().isEmpty() ? "stop" : r.finishReason());
    o.set("usage", usage(r));
    o.set("nyx", Responses.infer(r));
    return o;
  }
}
