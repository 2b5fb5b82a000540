package io.nyx.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.backend.ChatOptions;
import io.nyx.backend.ChatOptions.ResponseFormat;
import io.nyx.backend.ChatOptions.ToolChoice;
import io.nyx.pipeline.NyxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The fields of an OpenAI chat completions request: each is either passed on to the model server as
 * the client sent it ({@link ChatOptions}), or refused with a 400 that names it and says why —
 * never silently dropped, since a client that asked for a stop sequence or a JSON answer and did
 * not get one is worse off than one that was told. docs/openai.md holds the same table. A field set
 * to null counts as absent.
 */
final class ChatFields {
  /** Read by {@link ChatApi} itself (model, messages, stream, sampling) or passed on below. */
  static final Set<String> SUPPORTED =
      Set.of(
          "model",
          "messages",
          "stream",
          "stream_options",
          "temperature",
          "top_p",
          "max_tokens",
          "max_completion_tokens",
          "n",
          "stop",
          "seed",
          "frequency_penalty",
          "presence_penalty",
          "logit_bias",
          "logprobs",
          "top_logprobs",
          "response_format",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "user",
          "store",
          "service_tier",
          "modalities");

  /** OpenAI fields Nyx cannot honour, and why. */
  static final Map<String, String> REFUSED =
      Map.ofEntries(
          Map.entry("audio", "audio output is not supported: Nyx's models write text"),
          Map.entry("functions", "deprecated by OpenAI; send 'tools' instead"),
          Map.entry("function_call", "deprecated by OpenAI; send 'tool_choice' instead"),
          Map.entry("prediction", "predicted outputs are not supported by the model server"),
          Map.entry("reasoning_effort", "Nyx's models have no reasoning effort to set"),
          Map.entry("verbosity", "Nyx's models have no verbosity to set"),
          Map.entry("web_search_options", "Nyx has no web search"),
          Map.entry(
              "metadata",
              "Nyx keeps no metadata with an exchange; it records every exchange under the id"
                  + " in its X-Nyx-Query-Id header"),
          Map.entry(
              "prompt_cache_key",
              "the model server caches prompt prefixes by itself and takes no cache key"),
          Map.entry(
              "prompt_cache_retention",
              "the model server caches prompt prefixes by itself and takes no retention"),
          Map.entry(
              "safety_identifier",
              "the model server does no abuse monitoring to pass it to; send 'user' to name the"
                  + " end user"));

  static final int MAX_STOP = 4;
  static final int MAX_TOOLS = 128;
  static final int MAX_LOGIT_BIAS = 300;

  /** vLLM's default {@code --max-logprobs}, which is also OpenAI's limit. */
  static final int MAX_TOP_LOGPROBS = 20;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final Pattern TOKEN_ID = Pattern.compile("\\d{1,9}");
  private static final TypeReference<Map<String, Object>> TREE = new TypeReference<>() {};

  private ChatFields() {}

  /** Refuses, naming it, the first field that Nyx does not pass on or read. */
  static void check(ObjectNode body) {
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (e.getValue().isNull() || SUPPORTED.contains(name)) {
        continue;
      }
      String why = REFUSED.get(name);
      throw new NyxException.BadRequest(
          name,
          why != null
              ? "'" + name + "' is not supported: " + why
              : "unknown field '"
                  + name
                  + "'; Nyx passes on only the fields it supports: "
                  + new TreeSet<>(SUPPORTED));
    }
    refuseUnless(body, "n", n -> n.isIntegralNumber() && n.asLong() == 1, NOT_N);
    refuseUnless(body, "store", n -> n.isBoolean() && n.booleanValue(), NOT_STORE);
    refuseUnless(
        body,
        "service_tier",
        n -> n.isTextual() && Set.of("auto", "default").contains(n.textValue()),
        "only 'auto' and 'default' are supported: Nyx has one tier");
    refuseUnless(
        body,
        "modalities",
        n -> n.isArray() && n.size() == 1 && "text".equals(n.get(0).asText()),
        "only [\"text\"] is supported: Nyx's models write text");
  }

  /**
   * Why {@code n} must be 1: Nyx records, scores and learns from one answer per request, and
   * feedback rates that answer by its query id; several choices under one id would leave a rating
   * without an answer to attach to. A client that wants several answers sends several requests.
   */
  static final String NOT_N =
      "must be 1: Nyx records, scores and learns from one answer per request (feedback rates it"
          + " by its query id); send n requests for n answers";

  static final String NOT_STORE =
      "false cannot be honoured: Nyx records every exchange (it learns from them)";

  private static void refuseUnless(
      ObjectNode body, String name, java.util.function.Predicate<JsonNode> ok, String why) {
    JsonNode n = body.get(name);
    if (n != null && !n.isNull() && !ok.test(n)) {
      throw new NyxException.BadRequest(name, "'" + name + "' " + why + "; was " + n);
    }
  }

  /** The client's fields to pass on; {@link #check} has passed. */
  static ChatOptions options(ObjectNode body, Fields f, boolean stream) {
    streamOptions(body, stream);
    boolean logprobs = f.optBool("logprobs", false);
    int top = f.optInt("top_logprobs", 0, MAX_TOP_LOGPROBS).orElse(-1);
    if (top >= 0 && !logprobs) {
      throw new NyxException.BadRequest("top_logprobs", "'top_logprobs' needs 'logprobs': true");
    }
    List<ChatOptions.Tool> tools = tools(body.get("tools"));
    return new ChatOptions(
        stop(body.get("stop")),
        seed(body.get("seed")),
        f.optNumber("frequency_penalty", -2, 2),
        f.optNumber("presence_penalty", -2, 2),
        logitBias(body.get("logit_bias")),
        responseFormat(body.get("response_format")),
        tools,
        toolChoice(body.get("tool_choice"), tools),
        parallelToolCalls(f, tools),
        f.optString("user", 200),
        logprobs,
        Math.max(0, top));
  }

  /** {@code include_usage} is honoured by Nyx itself; nothing else is known. */
  private static void streamOptions(ObjectNode body, boolean stream) {
    JsonNode opts = body.get("stream_options");
    if (opts == null || opts.isNull()) {
      return;
    }
    if (!stream) {
      throw new NyxException.BadRequest(
          "stream_options", "'stream_options' is only allowed with 'stream': true");
    }
    if (!opts.isObject()) {
      throw new NyxException.BadRequest("stream_options", "'stream_options' must be an object");
    }
    Fields o = new Fields((ObjectNode) opts);
    for (Iterator<String> it = opts.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      boolean known = name.equals("include_usage") || name.equals("include_obfuscation");
      if (!known) {
        throw new NyxException.BadRequest(
            "stream_options." + name,
            "unknown field 'stream_options." + name + "'; supported: include_usage");
      }
    }
    o.optBool("include_usage", false);
    if (o.optBool("include_obfuscation", false)) {
      throw new NyxException.BadRequest(
          "stream_options.include_obfuscation",
          "'stream_options.include_obfuscation' is not supported: Nyx does not pad stream events");
    }
  }

  private static List<String> stop(@Nullable JsonNode n) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (n.isTextual()) {
      return List.of(nonEmpty(n, "stop"));
    }
    if (!n.isArray() || n.size() > MAX_STOP) {
      throw new NyxException.BadRequest(
          "stop", "'stop' must be a string or an array of at most " + MAX_STOP + " strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      out.add(nonEmpty(n.get(i), "stop[" + i + "]"));
    }
    return out;
  }

  private static String nonEmpty(JsonNode n, String at) {
    if (!n.isTextual() || n.textValue().isEmpty()) {
      throw new NyxException.BadRequest(at, "'" + at + "' must be a non-empty string");
    }
    return n.textValue();
  }

  private static OptionalLong seed(@Nullable JsonNode n) {
    if (n == null || n.isNull()) {
      return OptionalLong.empty();
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new NyxException.BadRequest("seed", "'seed' must be a 64-bit integer but was " + n);
    }
    return OptionalLong.of(n.longValue());
  }

  /** Token ids (as the object's keys) to biases in [-100, 100]. */
  private static Map<String, Double> logitBias(@Nullable JsonNode n) {
    if (n == null || n.isNull()) {
      return Map.of();
    }
    if (!n.isObject() || n.size() > MAX_LOGIT_BIAS) {
      throw new NyxException.BadRequest(
          "logit_bias",
          "'logit_bias' must be an object of at most "
              + MAX_LOGIT_BIAS
              + " token ids to biases in [-100, 100]");
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      String at = "logit_bias." + e.getKey();
      if (!TOKEN_ID.matcher(e.getKey()).matches()) {
        throw new NyxException.BadRequest(at, "'logit_bias' keys must be token ids (digits)");
      }
      if (!v.isNumber() || !(v.doubleValue() >= -100 && v.doubleValue() <= 100)) {
        throw new NyxException.BadRequest(at, "'" + at + "' must be a number in [-100, 100]");
      }
      out.put(e.getKey(), v.doubleValue());
    }
    return out;
  }

  private static @Nullable ResponseFormat responseFormat(@Nullable JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    String type = n.path("type").asText();
    return switch (type) {
      case "text" -> null; // the default: plain text
      case "json_object" -> new ResponseFormat.JsonObject();
      case "json_schema" -> jsonSchema(n.path("json_schema"));
      default ->
          throw new NyxException.BadRequest(
              "response_format.type",
              "'response_format.type' must be one of text, json_object, json_schema");
    };
  }

  /** vLLM needs the name and a schema to constrain generation to. */
  private static ResponseFormat jsonSchema(JsonNode s) {
    String at = "response_format.json_schema";
    if (!s.isObject()) {
      throw new NyxException.BadRequest(at, "'" + at + "' is required: {name, schema, ...}");
    }
    JsonNode name = s.path("name");
    if (!name.isTextual() || !NAME.matcher(name.textValue()).matches()) {
      throw new NyxException.BadRequest(
          at + ".name", "'" + at + ".name' is required: 1 to 64 of a-z, A-Z, 0-9, _ and -");
    }
    JsonNode schema = s.path("schema");
    if (!schema.isObject()) {
      throw new NyxException.BadRequest(
          at + ".schema",
          "'" + at + ".schema' is required: the JSON schema the answer is constrained to");
    }
    return new ResponseFormat.JsonSchema(
        name.textValue(),
        optText(s, "description", at),
        Json.MAPPER.convertValue(schema, TREE),
        optBool(s, "strict", at));
  }

  private static List<ChatOptions.Tool> tools(@Nullable JsonNode n) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray() || n.size() > MAX_TOOLS) {
      throw new NyxException.BadRequest(
          "tools", "'tools' must be an array of at most " + MAX_TOOLS + " function tools");
    }
    List<ChatOptions.Tool> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < n.size(); i++) {
      String at = "tools[" + i + "]";
      JsonNode t = n.get(i);
      if (!"function".equals(t.path("type").asText())) {
        throw new NyxException.BadRequest(
            at + ".type", "only tools of type 'function' are supported");
      }
      ChatOptions.Tool tool = function(t.path("function"), at + ".function");
      if (!names.add(tool.name())) {
        throw new NyxException.BadRequest(
            at + ".function.name", "two tools are named '" + tool.name() + "'");
      }
      out.add(tool);
    }
    return out;
  }

  private static ChatOptions.Tool function(JsonNode f, String at) {
    JsonNode name = f.path("name");
    if (!name.isTextual() || !NAME.matcher(name.textValue()).matches()) {
      throw new NyxException.BadRequest(
          at + ".name", "'" + at + ".name' is required: 1 to 64 of a-z, A-Z, 0-9, _ and -");
    }
    JsonNode params = f.path("parameters");
    if (!params.isMissingNode() && !params.isNull() && !params.isObject()) {
      throw new NyxException.BadRequest(
          at + ".parameters", "'" + at + ".parameters' must be a JSON schema object");
    }
    return new ChatOptions.Tool(
        name.textValue(),
        optText(f, "description", at),
        params.isObject() ? Json.MAPPER.convertValue(params, TREE) : null,
        optBool(f, "strict", at));
  }

  /** A choice needs tools to choose among, as OpenAI's API says; a named one must be offered. */
  private static @Nullable ToolChoice toolChoice(
      @Nullable JsonNode n, List<ChatOptions.Tool> tools) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (tools.isEmpty()) {
      throw new NyxException.BadRequest(
          "tool_choice", "'tool_choice' is only allowed when 'tools' are given");
    }
    if (n.isTextual()) {
      return switch (n.textValue()) {
        case "none" -> ToolChoice.Mode.NONE;
        case "auto" -> ToolChoice.Mode.AUTO;
        case "required" -> ToolChoice.Mode.REQUIRED;
        default ->
            throw new NyxException.BadRequest(
                "tool_choice",
                "'tool_choice' must be none, auto, required or {\"type\":\"function\",...}");
      };
    }
    JsonNode name = n.path("function").path("name");
    if (!"function".equals(n.path("type").asText()) || !name.isTextual()) {
      throw new NyxException.BadRequest(
          "tool_choice",
          "'tool_choice' must be none, auto, required or"
              + " {\"type\":\"function\",\"function\":{\"name\":...}}");
    }
    if (tools.stream().noneMatch(t -> t.name().equals(name.textValue()))) {
      throw new NyxException.BadRequest(
          "tool_choice.function.name",
          "'tool_choice' names '" + name.textValue() + "', which is not among the 'tools'");
    }
    return new ToolChoice.Function(name.textValue());
  }

  private static @Nullable Boolean parallelToolCalls(Fields f, List<ChatOptions.Tool> tools) {
    if (!f.has("parallel_tool_calls")) {
      return null;
    }
    boolean v = f.optBool("parallel_tool_calls", true);
    if (tools.isEmpty()) {
      throw new NyxException.BadRequest(
          "parallel_tool_calls", "'parallel_tool_calls' is only allowed when 'tools' are given");
    }
    return v;
  }

  private static @Nullable String optText(JsonNode o, String key, String at) {
    JsonNode v = o.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new NyxException.BadRequest(
          at + "." + key, "'" + at + "." + key + "' must be a string");
    }
    return v.textValue();
  }

  private static @Nullable Boolean optBool(JsonNode o, String key, String at) {
    JsonNode v = o.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw new NyxException.BadRequest(
          at + "." + key, "'" + at + "." + key + "' must be true or false");
    }
    return v.booleanValue();
  }
}
