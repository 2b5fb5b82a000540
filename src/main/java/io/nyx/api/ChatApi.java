package io.nyx.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.pipeline.InferencePipeline;
import io.nyx.pipeline.InferenceRequest;
import io.nyx.pipeline.InferenceResult;
import io.nyx.pipeline.NyxException;
import io.nyx.specialist.Specialists;
import java.time.InstantSource;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI-compatible {@code POST /v1/chat/completions} and {@code GET /v1/models}, so the official
 * SDKs work against Nyx. {@code model: "nyx"} routes; {@code "nyx/<specialist>"} forces one.
 * Unknown request fields are ignored, as OpenAI clients send many optional ones; known fields are
 * checked.
 */
final class ChatApi {
  static final String MODEL = "nyx";

  private final InferencePipeline pipeline;
  private final Specialists specialists;
  private final InstantSource clock;
  private final int maxQueryChars;

  ChatApi(
      InferencePipeline pipeline, Specialists specialists, InstantSource clock, int maxQueryChars) {
    this.pipeline = pipeline;
    this.specialists = specialists;
    this.clock = clock;
    this.maxQueryChars = maxQueryChars;
  }

  void complete(ServerRequest req, ServerResponse res) throws Exception {
    ObjectNode body = Json.parseObject(Http.body(req));
    Fields f = new Fields(body);
    String forced = specialist(f.requireString("model", 200));
    ChatMessages.Parsed messages = ChatMessages.parse(body.get("messages"), maxQueryChars);
    boolean stream = f.optBool("stream", false);
    InferenceRequest request =
        new InferenceRequest(
            messages.query(),
            messages.conversation(),
            messages.system(),
            f.optString("user", 200),
            forced,
            maxTokens(f),
            f.optNumber("temperature", 0, 2),
            f.optNumber("top_p", 0.0001, 1),
            stream,
            null,
            AuthFilter.caller(req));
    if (stream) {
      new ChatSse(res, clock, includeUsage(body)).run(pipeline, request);
      return;
    }
    InferenceResult r = pipeline.infer(request, io.nyx.pipeline.InferenceListener.NONE);
    res.header("X-Nyx-Query-Id", r.id().toString());
    res.header("X-Nyx-Specialist", r.specialist() == null ? "base" : r.specialist());
    Http.json(res, 200, ChatSse.completion(r, clock));
  }

  void models(ServerRequest req, ServerResponse res) {
    ObjectNode o = Json.object().put("object", "list");
    var data = o.putArray("data");
    long created = clock.instant().getEpochSecond();
    data.add(model(MODEL, created));
    for (String name : specialists.names()) {
      data.add(model(MODEL + "/" + name, created));
    }
    Http.json(res, 200, o);
  }

  private static ObjectNode model(String id, long created) {
    return Json.object()
        .put("id", id)
        .put("object", "model")
        .put("created", created)
        .put("owned_by", "nyx");
  }

  private @Nullable String specialist(String model) {
    if (model.equals(MODEL)) {
      return null;
    }
    if (model.startsWith(MODEL + "/")) {
      String name = model.substring(MODEL.length() + 1);
      if (specialists.find(name).isPresent()) {
        return name;
      }
    }
    throw new NyxException.NotFound(
        "model",
        "The model '"
            + model
            + "' does not exist; use 'nyx' (routed) or one of "
            + specialists.names().stream().map(n -> MODEL + "/" + n).toList());
  }

  private static OptionalInt maxTokens(Fields f) {
    OptionalInt v = f.optInt("max_completion_tokens", 1, InferApi.MAX_TOKENS);
    return v.isPresent() ? v : f.optInt("max_tokens", 1, InferApi.MAX_TOKENS);
  }

  private static boolean includeUsage(ObjectNode body) {
    JsonNode opts = body.get("stream_options");
    return opts != null && opts.path("include_usage").asBoolean(false);
  }
}
