package io.nyx.backend.openai;

import static io.nyx.backend.openai.WireJson.integer;
import static io.nyx.backend.openai.WireJson.integerOrNull;
import static io.nyx.backend.openai.WireJson.text;
import static io.nyx.backend.openai.WireJson.textOrNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.backend.BackendException;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.ChatResult;
import io.nyx.backend.JsonSchemaFormat;
import io.nyx.backend.ModelInfo;
import io.nyx.backend.TokenLogprob;
import io.nyx.backend.ToolCall;
import io.nyx.backend.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Chat-completions and models JSON, both directions (docs/operations.md, "The model server"). */
final class ChatWire {
  private ChatWire() {}

  /**
   * Sampling parameters are always explicit because vLLM otherwise applies the model's
   * generation_config defaults; structured output uses {@code response_format}, never the {@code
   * guided_*} fields that vLLM 0.12 silently ignores. The client's own fields ({@link
   * io.nyx.backend.ChatOptions}) go as the client sent them; Nyx's structured output, if any, wins
   * over a client's (the two never meet: Nyx's own calls carry no client fields).
   */
  static ObjectNode requestBody(ChatRequest r, boolean stream) {
    ObjectNode body = WireJson.object();
    if (r.model() != null && !r.model().isBlank()) {
      body.put("model", r.model()); // absent means the base model
    }
    ArrayNode messages = body.putArray("messages");
    for (ChatMessage m : r.messages()) {
      messages.add(OpenAiMessages.message(m));
    }
    body.setAll(WireJson.MAPPER.<ObjectNode>valueToTree(r.options().toMap()));
    body.put("temperature", r.temperature());
    body.put("top_p", r.topP());
    body.put("max_tokens", r.maxTokens());
    body.put("logprobs", r.logprobs());
    if (r.logprobs() && r.topLogprobs() > 0) {
      body.put("top_logprobs", r.topLogprobs()); // vLLM rejects top_logprobs without logprobs
    }
    if (r.responseFormat() != null) {
      body.set("response_format", responseFormat(r.responseFormat()));
    }
    if (stream) {
      body.put("stream", true);
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  static ChatResult parseCompletion(String url, byte[] body) throws BackendException {
    JsonNode json = WireJson.tryParse(body);
    if (json == null || !json.isObject()) {
      throw new BackendException.Malformed(url, "not a JSON object: " + preview(body), false, null);
    }
    JsonNode choice = json.path("choices").path(0);
    if (!choice.isObject()) {
      throw new BackendException.Malformed(url, "no choices: " + preview(body), false, null);
    }
    return new ChatResult(
        text(json, "id"),
        text(json, "model"),
        text(choice.path("message"), "content"),
        text(choice, "finish_reason"),
        usage(json.path("usage")),
        logprobs(choice.path("logprobs")),
        toolCalls(choice.path("message").path("tool_calls")));
  }

  /**
   * {@code message.tool_calls[]} of type function; empty when absent, null or {@code []} (vLLM's
   * "no tools"). A call without a name is not one a client could run, so it is skipped.
   */
  static List<ToolCall> toolCalls(JsonNode calls) {
    List<ToolCall> out = new ArrayList<>();
    for (JsonNode call : calls) {
      JsonNode f = call.path("function");
      String name = text(f, "name");
      if (!name.isEmpty()) {
        out.add(new ToolCall(text(call, "id"), name, text(f, "arguments")));
      }
    }
    return out;
  }

  /**
   * {@code choice.logprobs.content[].{token,logprob,bytes,top_logprobs}}; empty when absent or
   * null.
   */
  static List<TokenLogprob> logprobs(JsonNode logprobs) {
    List<TokenLogprob> out = new ArrayList<>();
    for (JsonNode entry : logprobs.path("content")) {
      JsonNode lp = entry.path("logprob");
      if (lp.isNumber()) {
        List<TokenLogprob.Candidate> top = new ArrayList<>();
        for (JsonNode alt : entry.path("top_logprobs")) {
          if (alt.path("logprob").isNumber()) {
            top.add(
                new TokenLogprob.Candidate(
                    text(alt, "token"), alt.path("logprob").asDouble(), bytes(alt)));
          }
        }
        out.add(new TokenLogprob(text(entry, "token"), lp.asDouble(), bytes(entry), top));
      }
    }
    return out;
  }

  /** The UTF-8 bytes vLLM reports for a token; null when it reports none. */
  private static @Nullable List<Integer> bytes(JsonNode entry) {
    JsonNode b = entry.path("bytes");
    if (!b.isArray()) {
      return null;
    }
    List<Integer> out = new ArrayList<>(b.size());
    b.forEach(n -> out.add(n.asInt()));
    return out;
  }

  static Usage usage(JsonNode usage) {
    if (!usage.isObject()) {
      return Usage.NONE;
    }
    return new Usage(integer(usage, "prompt_tokens"), integer(usage, "completion_tokens"));
  }

  static List<ModelInfo> parseModels(String url, byte[] body) throws BackendException {
    JsonNode json = WireJson.tryParse(body);
    if (json == null || !json.path("data").isArray()) {
      throw new BackendException.Malformed(url, "no model list: " + preview(body), false, null);
    }
    List<ModelInfo> models = new ArrayList<>();
    for (JsonNode card : json.path("data")) {
      String id = text(card, "id");
      if (!id.isEmpty()) {
        models.add(
            new ModelInfo(id, textOrNull(card, "parent"), integerOrNull(card, "max_model_len")));
      }
    }
    return List.copyOf(models);
  }

  private static ObjectNode responseFormat(JsonSchemaFormat format) {
    ObjectNode rf = WireJson.object().put("type", "json_schema");
    rf.putObject("json_schema")
        .put("name", format.name())
        .<ObjectNode>set("schema", WireJson.MAPPER.valueToTree(format.schema()))
        .put("strict", true);
    return rf;
  }

  static String preview(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8).strip();
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
