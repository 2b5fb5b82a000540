package io.nyx.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.backend.TokenLogprob;
import io.nyx.backend.ToolCall;
import io.nyx.backend.ToolCallDelta;
import io.nyx.pipeline.InferenceResult;
import java.time.InstantSource;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI's chat completion shapes as Nyx answers them: the response, its tool calls (whole, or in
 * the pieces a stream sends), and token logprobs. Stateless.
 */
final class ChatJson {
  private ChatJson() {}

  /**
   * The non-streaming response body, with a {@code nyx} extension object (the route, reward and
   * context, as {@code /infer} gives them) that OpenAI clients ignore. {@code logprobs}: the client
   * asked to see them.
   */
  static ObjectNode completion(InferenceResult r, InstantSource clock, boolean logprobs) {
    ObjectNode o = Json.object();
    o.put("id", "chatcmpl-" + r.id());
    o.put("object", "chat.completion");
    o.put("created", clock.instant().getEpochSecond());
    o.put("model", model(r.specialist()));
    ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    if (r.answer().isEmpty() && !r.toolCalls().isEmpty()) {
      message.putNull("content"); // as OpenAI answers a turn that only calls tools
    } else {
      message.put("content", r.answer());
    }
    message.putNull("refusal");
    if (!r.toolCalls().isEmpty()) {
      message.set("tool_calls", toolCalls(r.toolCalls()));
    }
    if (logprobs) {
      choice.set("logprobs", logprobs(r.logprobs()));
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", finishReason(r.finishReason()));
    o.set("usage", usage(r));
    o.set("nyx", Responses.infer(r));
    return o;
  }

  static String model(@Nullable String specialist) {
    return specialist == null ? ChatApi.MODEL : ChatApi.MODEL + "/" + specialist;
  }

  static String finishReason(String reason) {
    return reason.isEmpty() ? "stop" : reason;
  }

  static ObjectNode usage(InferenceResult r) {
    int p = r.usage().promptTokens();
    int c = r.usage().completionTokens();
    return Json.object()
        .put("prompt_tokens", p)
        .put("completion_tokens", c)
        .put("total_tokens", p + c);
  }

  static ArrayNode toolCalls(List<ToolCall> calls) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (ToolCall c : calls) {
      ObjectNode call = out.addObject().put("id", c.id()).put("type", "function");
      call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
    }
    return out;
  }

  /** A stream's pieces: {@code index} always, {@code id}, type and name on a call's first. */
  static ArrayNode toolCallDeltas(List<ToolCallDelta> deltas) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (ToolCallDelta d : deltas) {
      ObjectNode call = out.addObject().put("index", d.index());
      String id = d.id();
      if (id != null) {
        call.put("id", id).put("type", "function");
      }
      ObjectNode function = call.putObject("function");
      String name = d.name();
      if (name != null) {
        function.put("name", name);
      }
      function.put("arguments", d.arguments());
    }
    return out;
  }

  /** {@code {"content": [{token, logprob, bytes, top_logprobs: [...]}], "refusal": null}}. */
  static ObjectNode logprobs(List<TokenLogprob> tokens) {
    ObjectNode o = Json.object();
    ArrayNode content = o.putArray("content");
    for (TokenLogprob t : tokens) {
      ObjectNode entry = candidate(content.addObject(), t.token(), t.logprob(), t.bytes());
      ArrayNode top = entry.putArray("top_logprobs");
      for (TokenLogprob.Candidate c : t.top()) {
        candidate(top.addObject(), c.token(), c.logprob(), c.bytes());
      }
    }
    o.putNull("refusal");
    return o;
  }

  private static ObjectNode candidate(
      ObjectNode o, String token, double logprob, @Nullable List<Integer> bytes) {
    o.put("token", token).put("logprob", logprob);
    if (bytes == null) {
      o.putNull("bytes");
    } else {
      ArrayNode b = o.putArray("bytes");
      bytes.forEach(b::add);
    }
    return o;
  }
}
