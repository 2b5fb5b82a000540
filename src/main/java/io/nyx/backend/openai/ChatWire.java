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
import io.nyx.backend.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Chat-completions and models JSON, both directions (docs/operations.md, "The model server"). */
final class ChatWire {
  private ChatWire() {}

  /**
   * Sampling parameters are always explicit because vLLM otherwise applies the model's
   * generation_config defaults; structured output uses {@code response_format}, never the {@code
   * guided_*} fields that vLLM 0.12 silently ignores.
   */
  static ObjectNode requestBody(ChatRequest r, boolean stream) {
    ObjectNode body = WireJson.object();
    if (r.model() != null && !r.model().isBlank()) {
      body.put("model", r.model()); // absent means the base model
    }
    ArrayNode messages = body.putArray("messages");
    for (ChatMessage m : r.messages()) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
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
        logprobs(choice.path("logprobs")));
  }

  /** {@code choice.logprobs.content[].{token,logprob}}; empty when absent or null. */
  static List<TokenLogprob> logprobs(JsonNode logprobs) {
    List<TokenLogprob> out = new ArrayList<>();
    for (JsonNode entry : logprobs.path("content")) {
      JsonNode lp = entry.path("logprob");
      if (lp.isNumber()) {
        out.add(new TokenLogprob(text(entry, "token"), lp.asDouble()));
      }
    }
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
