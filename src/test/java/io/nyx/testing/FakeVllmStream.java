package io.nyx.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One SSE answer, chunked as vLLM sends it: a role chunk (with an extra null key, as some versions
 * send), one chunk per token (the last one carrying finish_reason), the usage chunk with {@code
 * "choices": []} when asked for, then {@code data: [DONE]}. Content chunks of requests without
 * logprobs omit the {@code logprobs} key entirely, as vLLM 0.17 does.
 */
final class FakeVllmStream {
  private final FakeVllm fake;
  private final HttpExchange ex;
  private final FakeVllmChat.Answer a;
  private @Nullable OutputStream out;

  FakeVllmStream(FakeVllm fake, HttpExchange ex, FakeVllmChat.Answer answer) {
    this.fake = fake;
    this.ex = ex;
    this.a = answer;
  }

  void write(@Nullable FakeVllmFault fault) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(200, 0); // chunked
    out = ex.getResponseBody();
    event(roleChunk());
    int n = a.tokens().size();
    switch (fault) {
      case FakeVllmFault.HangAfterHeaders h -> fake.holdUntilClosed();
      case FakeVllmFault.Malformed m -> {
        raw("data: {\"id\":\"" + a.id() + "\",\"choices\":[{\n\n");
        raw("data: [DONE]\n\n");
      }
      case FakeVllmFault.Truncate t -> tokens(Math.max(1, n / 2), false);
      case FakeVllmFault.ErrorMidStream e -> {
        tokens(Math.min(1, n), false);
        event(fake.errorBody(500, "InternalServerError", "Internal server error", null));
        raw("data: [DONE]\n\n");
      }
      case null, default -> finish(n);
    }
  }

  private void finish(int n) throws IOException {
    tokens(n, true);
    if (n == 0) {
      event(chunk(choice("").put("finish_reason", a.finishReason()).putNull("stop_reason")));
    }
    if (a.includeUsage()) {
      ObjectNode usage = chunk(null);
      FakeVllmChat.usage(usage.putObject("usage"), a);
      event(usage);
    }
    raw("data: [DONE]\n\n");
  }

  /** The first {@code count} tokens; the last of all tokens carries finish_reason if asked. */
  private void tokens(int count, boolean finishLast) throws IOException {
    for (int i = 0; i < Math.min(count, a.tokens().size()); i++) {
      String token = a.tokens().get(i);
      ObjectNode choice = choice(token);
      if (a.logprobs()) {
        choice
            .putObject("logprobs")
            .putArray("content")
            .add(FakeVllmChat.logprobEntry(token, a.topLogprobs(), fake.tokenLogprob(a.model())));
      }
      if (finishLast && i == a.tokens().size() - 1) {
        choice.put("finish_reason", a.finishReason()).putNull("stop_reason");
      } else {
        choice.putNull("finish_reason");
      }
      event(chunk(choice));
    }
  }

  private ObjectNode roleChunk() {
    ObjectNode choice = FakeVllmHttp.JSON.createObjectNode().put("index", 0);
    choice.putObject("delta").put("role", "assistant").put("content", "");
    choice.putNull("logprobs").putNull("finish_reason");
    ObjectNode chunk = chunk(choice);
    chunk.putNull("prompt_token_ids");
    return chunk;
  }

  private static ObjectNode choice(String content) {
    ObjectNode choice = FakeVllmHttp.JSON.createObjectNode().put("index", 0);
    choice.putObject("delta").put("content", content);
    return choice;
  }

  /** A chunk holding {@code choice}, or {@code "choices": []} when it is null (usage chunk). */
  private ObjectNode chunk(@Nullable ObjectNode choice) {
    ObjectNode c = FakeVllmHttp.JSON.createObjectNode().put("id", a.id());
    c.put("object", "chat.completion.chunk").put("created", fake.created()).put("model", a.model());
    ArrayNode choices = c.putArray("choices");
    if (choice != null) {
      choices.add(choice);
    }
    return c;
  }

  private void event(JsonNode json) throws IOException {
    fake.sleep(fake.streamInterval());
    raw("data: " + FakeVllmHttp.JSON.writeValueAsString(json) + "\n\n");
  }

  private void raw(String text) throws IOException {
    OutputStream o = out;
    if (o != null) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
      o.flush();
    }
  }
}
