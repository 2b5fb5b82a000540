package io.nyx.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** {@code POST /v1/chat/completions} of {@link FakeVllm}: validation, generation, faults. */
final class FakeVllmChat {
  /** vLLM's default {@code --max-logprobs}. */
  private static final int MAX_LOGPROBS = 20;

  private final FakeVllm fake;

  FakeVllmChat(FakeVllm fake) {
    this.fake = fake;
  }

  /** What the fake generates for one request. {@code tokens} join to the content. */
  record Answer(
      String id,
      String model,
      List<String> tokens,
      String finishReason,
      int promptTokens,
      boolean logprobs,
      int topLogprobs,
      boolean includeUsage) {}

  void handle(HttpExchange ex) throws IOException {
    byte[] raw = FakeVllmHttp.readBody(ex);
    JsonNode body = FakeVllmHttp.parse(raw);
    fake.record(
        body != null ? body : TextNode.valueOf(new String(raw, StandardCharsets.UTF_8)),
        FakeVllmHttp.headers(ex));
    FakeVllmFault fault = fake.takeFault();
    switch (fault) {
      case FakeVllmFault.Fail f -> fake.sendError(ex, f.status(), f.type(), f.message(), null);
      case FakeVllmFault.Hang h -> fake.holdUntilClosed();
      case FakeVllmFault.Reset r -> ex.close(); // no response headers: the connection just closes
      case null, default -> answer(ex, body, fault);
    }
  }

  private void answer(HttpExchange ex, @Nullable JsonNode body, @Nullable FakeVllmFault fault)
      throws IOException {
    if (body == null || !body.isObject()) {
      fake.sendError(ex, 400, "Bad Request", "JSON decode error", "body");
      return;
    }
    if (!valid(ex, body)) {
      return;
    }
    String model = model(body);
    if (model == null) {
      String asked = body.path("model").asText();
      fake.sendError(
          ex, 404, "NotFoundError", "The model `" + asked + "` does not exist.", "model");
      return;
    }
    FakeVllmFault.Fail broken = fake.modelFault(model);
    if (broken != null) {
      fake.sendError(ex, broken.status(), broken.type(), broken.message(), null);
      return;
    }
    Answer answer = generate(ex, body, model);
    if (body.path("stream").asBoolean(false)) {
      new FakeVllmStream(fake, ex, answer).write(fault);
    } else {
      complete(ex, answer, fault);
    }
  }

  /** The 400s vLLM returns before generating. */
  private boolean valid(HttpExchange ex, JsonNode body) throws IOException {
    int top = body.path("top_logprobs").asInt(0);
    boolean logprobs = body.path("logprobs").asBoolean(false);
    JsonNode rf = body.path("response_format");
    if (!body.path("messages").isArray()) {
      fake.sendValidationError(ex, "body.messages");
    } else if ((top > 0 || top == -1) && !logprobs) {
      bad(ex, "when using `top_logprobs`, `logprobs` must be set to true.", "top_logprobs");
    } else if (top > MAX_LOGPROBS) {
      bad(ex, "Requested top logprobs of " + top + " exceeds the maximum of 20", "top_logprobs");
    } else if (present(body.path("stream_options")) && !body.path("stream").asBoolean(false)) {
      bad(ex, "Stream options can only be defined when `stream=True`.", "stream_options");
    } else if ("json_schema".equals(rf.path("type").asText())
        && !rf.path("json_schema").path("name").isTextual()) {
      fake.sendValidationError(ex, "body.response_format.json_schema.name");
    } else {
      return true;
    }
    return false;
  }

  private void bad(HttpExchange ex, String message, String param) throws IOException {
    fake.sendError(ex, 400, "BadRequestError", message, param);
  }

  /** The response model name, or null when the requested one is not served (1.3). */
  private @Nullable String model(JsonNode body) {
    String asked = present(body.path("model")) ? body.path("model").asText() : "";
    if (asked.isEmpty() || asked.equals(fake.baseModel())) {
      return fake.baseModel();
    }
    return fake.hasAdapter(asked) ? asked : null;
  }

  private Answer generate(HttpExchange ex, JsonNode body, String model) {
    boolean structured = "json_schema".equals(body.path("response_format").path("type").asText());
    String content = structured ? fake.structuredFor(body) : fake.contentFor(model, body);
    List<String> tokens = tokens(content);
    int max = body.path("max_tokens").asInt(body.path("max_completion_tokens").asInt(0));
    boolean cut = max > 0 && tokens.size() > max;
    return new Answer(
        requestId(ex, body),
        model,
        cut ? tokens.subList(0, max) : tokens,
        cut ? "length" : "stop",
        promptTokens(body),
        body.path("logprobs").asBoolean(false),
        Math.max(0, body.path("top_logprobs").asInt(0)),
        body.path("stream_options").path("include_usage").asBoolean(true));
  }

  private static String requestId(HttpExchange ex, JsonNode body) {
    String header = ex.getRequestHeaders().getFirst("X-Request-Id");
    if (header != null && !header.isEmpty()) {
      return "chatcmpl-" + header;
    }
    String inBody = body.path("request_id").asText("");
    return "chatcmpl-"
        + (inBody.isEmpty() ? UUID.randomUUID().toString().replace("-", "") : inBody);
  }

  private void complete(HttpExchange ex, Answer a, @Nullable FakeVllmFault fault)
      throws IOException {
    byte[] json = FakeVllmHttp.JSON.writeValueAsBytes(completion(a));
    switch (fault) {
      case FakeVllmFault.HangAfterHeaders h -> {
        startChunked(ex, "application/json").write(json, 0, json.length / 3);
        ex.getResponseBody().flush();
        fake.holdUntilClosed();
      }
      case FakeVllmFault.Malformed m ->
          FakeVllmHttp.send(
              ex,
              200,
              "application/json",
              "{\"id\":\"chatcmpl-broken\",\"choices\":[{\"message\":"
                  .getBytes(StandardCharsets.UTF_8));
      case FakeVllmFault.Truncate t ->
          startChunked(ex, "application/json").write(json, 0, json.length / 2);
      case FakeVllmFault.ErrorMidStream e ->
          fake.sendError(ex, 500, "InternalServerError", "Internal server error", null);
      case null, default -> FakeVllmHttp.send(ex, 200, "application/json", json);
    }
  }

  private static OutputStream startChunked(HttpExchange ex, String contentType) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(200, 0);
    return ex.getResponseBody();
  }

  /** The non-streaming response, with the null keys vLLM's model_dump() keeps (9.2). */
  private ObjectNode completion(Answer a) {
    ObjectNode root = FakeVllmHttp.JSON.createObjectNode();
    root.put("id", a.id()).put("object", "chat.completion").put("created", fake.created());
    root.put("model", a.model());
    ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant").put("content", String.join("", a.tokens()));
    message.putNull("refusal").putNull("annotations").putNull("audio").putNull("function_call");
    message.putArray("tool_calls");
    message.putNull("reasoning");
    if (a.logprobs()) {
      ArrayNode content = choice.putObject("logprobs").putArray("content");
      double lp = fake.tokenLogprob(a.model());
      a.tokens().forEach(t -> content.add(logprobEntry(t, a.topLogprobs(), lp)));
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", a.finishReason()).putNull("stop_reason").putNull("token_ids");
    root.putNull("service_tier").putNull("system_fingerprint");
    usage(root.putObject("usage"), a).putNull("prompt_tokens_details");
    root.putNull("prompt_logprobs").putNull("prompt_token_ids").putNull("kv_transfer_params");
    return root;
  }

  static ObjectNode usage(ObjectNode usage, Answer a) {
    int completion = a.tokens().size();
    return usage
        .put("prompt_tokens", a.promptTokens())
        .put("total_tokens", a.promptTokens() + completion)
        .put("completion_tokens", completion);
  }

  /** {@code {token, logprob, bytes, top_logprobs}}; alternatives are "alt1", "alt2", ... */
  static ObjectNode logprobEntry(String token, int top, double lp) {
    ObjectNode entry = candidate(token, lp);
    ArrayNode alternatives = entry.putArray("top_logprobs");
    for (int i = 0; i < top; i++) {
      alternatives.add(
          i == 0 ? candidate(token, lp) : candidate("alt" + i, Math.max(-9999, lp - 2.0 * i)));
    }
    return entry;
  }

  private static ObjectNode candidate(String token, double logprob) {
    ObjectNode c = FakeVllmHttp.JSON.createObjectNode().put("token", token).put("logprob", logprob);
    ArrayNode bytes = c.putArray("bytes");
    for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
      bytes.add(b & 0xff);
    }
    return c;
  }

  /** Whitespace-separated pieces, each keeping its leading whitespace; they join to the text. */
  static List<String> tokens(String content) {
    if (content.isEmpty()) {
      return List.of();
    }
    return new ArrayList<>(Arrays.asList(content.split("(?<=\\S)(?=\\s)")));
  }

  static int words(String text) {
    String t = text.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  /** Whitespace words of every message, standing in for the chat template's token count. */
  private static int promptTokens(JsonNode body) {
    int n = 0;
    for (JsonNode m : body.path("messages")) {
      n += words(text(m.path("content")));
    }
    return n;
  }

  /** A message's text: a string, or the text parts of a content array. */
  private static String text(JsonNode content) {
    if (!content.isArray()) {
      return content.asText("");
    }
    StringBuilder sb = new StringBuilder();
    content.forEach(part -> sb.append(part.path("text").asText("")).append(' '));
    return sb.toString();
  }

  static String lastUserMessage(JsonNode request) {
    String last = "";
    for (JsonNode m : request.path("messages")) {
      if ("user".equals(m.path("role").asText())) {
        last = text(m.path("content"));
      }
    }
    return last;
  }

  /** The first enum property of the schema gets its first value; plus confidence 0.9. */
  static String defaultStructured(JsonNode request) {
    JsonNode schema = request.path("response_format").path("json_schema").path("schema");
    ObjectNode out = FakeVllmHttp.JSON.createObjectNode();
    for (var field : schema.path("properties").properties()) {
      JsonNode values = field.getValue().path("enum");
      if (values.isArray() && !values.isEmpty()) {
        out.set(field.getKey(), values.get(0));
        break;
      }
    }
    return out.put("confidence", 0.9).toString();
  }

  private static boolean present(JsonNode node) {
    return !node.isMissingNode() && !node.isNull();
  }
}
