package io.nyx.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.backend.BackendException;
import io.nyx.backend.BackendSettings;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatOptions;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.ChatResult;
import io.nyx.backend.JsonSchemaFormat;
import io.nyx.backend.ModelInfo;
import io.nyx.backend.StreamDelta;
import io.nyx.backend.TokenLogprob;
import io.nyx.backend.ToolCall;
import io.nyx.backend.Usage;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The happy paths of {@link OpenAiChatBackend}, through the real protocol against the fake. */
class OpenAiChatBackendTest {
  static final String BASE = "Qwen/Qwen2.5-7B-Instruct";
  static final List<String> ADAPTERS = NyxFixture.ADAPTERS;

  private FakeVllm fake;
  private OpenAiChatBackend backend;

  @BeforeEach
  void start() {
    fake = FakeVllm.start(BASE, ADAPTERS);
    backend = new OpenAiChatBackend(settings(fake.baseUrl()));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  static BackendSettings settings(String url) {
    return new BackendSettings(url, Duration.ofSeconds(2), Duration.ofSeconds(5), null);
  }

  static ChatRequest ask(String model, String question) {
    return new ChatRequest(
        model,
        List.of(ChatMessage.system("Be brief."), ChatMessage.user(question)),
        0.2,
        0.9,
        64,
        true,
        2,
        null,
        "req-42");
  }

  @Test
  void completesWithContentLogprobsAndUsage() throws BackendException {
    fake.logprob(-0.25);

    ChatResult r = backend.complete(ask("kairos", "what time is it"));

    assertThat(r.id()).isEqualTo("chatcmpl-req-42");
    assertThat(r.model()).isEqualTo("kairos");
    assertThat(r.content()).isEqualTo("[kairos] You asked: what time is it");
    assertThat(r.finishReason()).isEqualTo("stop");
    // prompt: "Be brief." (2 words) + "what time is it" (4); completion: 7 whitespace pieces
    assertThat(r.usage()).isEqualTo(new Usage(6, 7));
    assertThat(r.logprobs())
        .extracting(TokenLogprob::token)
        .containsExactly("[kairos]", " You", " asked:", " what", " time", " is", " it");
    assertThat(r.logprobs()).allSatisfy(t -> assertThat(t.logprob()).isEqualTo(-0.25));
  }

  @Test
  void sendsExplicitSamplingAndTheAdapterAsModel() throws BackendException {
    backend.complete(ask("moira", "hello"));

    JsonNode body = fake.lastRequest();
    assertThat(body.path("model").asText()).isEqualTo("moira");
    assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
    assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
    assertThat(body.path("logprobs").asBoolean()).isTrue();
    assertThat(body.path("top_logprobs").asInt()).isEqualTo(2);
    assertThat(body.has("stream")).isFalse();
    assertThat(body.has("response_format")).isFalse();
    assertThat(body.path("messages").get(1).path("role").asText()).isEqualTo("user");
    assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("hello");
    assertThat(fake.requestHeaders().get(0)).containsEntry("x-request-id", "req-42");
    assertThat(fake.requestHeaders().get(0).get("content-type")).startsWith("application/json");
  }

  @Test
  void emptyModelIsOmittedSoTheBaseModelAnswers() throws BackendException {
    ChatRequest base =
        new ChatRequest("", List.of(ChatMessage.user("hi")), 0.0, 1.0, 16, false, 5, null, null);

    ChatResult r = backend.complete(base);

    JsonNode body = fake.lastRequest();
    assertThat(body.has("model")).isFalse();
    assertThat(body.has("top_logprobs")).as("only sent with logprobs").isFalse();
    assertThat(fake.requestHeaders().get(0)).doesNotContainKey("x-request-id");
    assertThat(r.model()).isEqualTo(BASE);
    assertThat(r.logprobs()).isEmpty();
    assertThat(r.id()).startsWith("chatcmpl-");
  }

  @Test
  void structuredOutputUsesResponseFormatJsonSchemaAndNoGuidedFields() throws BackendException {
    Map<String, Object> schema =
        Map.of(
            "type", "object",
            "properties",
                Map.of(
                    "specialist",
                    Map.of("type", "string", "enum", List.of("moira", "kairos")),
                    "confidence",
                    Map.of("type", "number")),
            "required", List.of("specialist", "confidence"));
    ChatRequest route =
        new ChatRequest(
            "aletheia",
            List.of(ChatMessage.user("route me")),
            0.0,
            1.0,
            32,
            true,
            0,
            new JsonSchemaFormat("route", schema),
            null);

    ChatResult r = backend.complete(route);

    JsonNode body = fake.lastRequest();
    JsonNode rf = body.path("response_format");
    assertThat(rf.path("type").asText()).isEqualTo("json_schema");
    assertThat(rf.path("json_schema").path("name").asText()).isEqualTo("route");
    assertThat(rf.path("json_schema").path("strict").asBoolean()).isTrue();
    assertThat(
            rf.path("json_schema")
                .path("schema")
                .path("properties")
                .path("specialist")
                .path("enum")
                .get(1)
                .asText())
        .isEqualTo("kairos");
    assertThat(body.fieldNames()).toIterable().noneMatch(k -> k.startsWith("guided_"));
    assertThat(body.has("structured_outputs")).isFalse();
    assertThat(r.content()).isEqualTo("{\"specialist\":\"moira\",\"confidence\":0.9}");
  }

  @Test
  void maxTokensCutsTheAnswerAndReportsLength() throws BackendException {
    ChatRequest shortOne =
        new ChatRequest(
            "eleos", List.of(ChatMessage.user("a b c d e")), 0, 1, 3, false, 0, null, null);

    ChatResult r = backend.complete(shortOne);

    assertThat(r.content()).isEqualTo("[eleos] You asked:");
    assertThat(r.finishReason()).isEqualTo("length");
    assertThat(r.usage().completionTokens()).isEqualTo(3);
  }

  @Test
  void streamsDeltasInOrderAndAggregates() throws BackendException {
    fake.reply((model, request) -> "one two three");
    List<StreamDelta> deltas = new ArrayList<>();

    ChatResult r = backend.stream(ask("mnemosyne", "count"), deltas::add);

    assertThat(deltas).extracting(StreamDelta::content).containsExactly("one", " two", " three");
    assertThat(deltas)
        .allSatisfy(
            d ->
                assertThat(d.logprobs())
                    .singleElement()
                    .extracting(TokenLogprob::token)
                    .isEqualTo(d.content()));
    assertThat(r.content()).isEqualTo("one two three");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.usage()).isEqualTo(new Usage(3, 3));
    assertThat(r.logprobs()).hasSize(3);
    assertThat(r.logprobs().get(0).logprob()).isCloseTo(FakeVllm.DEFAULT_LOGPROB, within(1e-9));
    assertThat(r.id()).isEqualTo("chatcmpl-req-42");
    assertThat(r.model()).isEqualTo("mnemosyne");
    JsonNode body = fake.lastRequest();
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void streamsWithoutLogprobsWhenNotAsked() throws BackendException {
    ChatRequest plain =
        new ChatRequest(
            "kairos", List.of(ChatMessage.user("x")), 0.7, 0.95, 50, false, 0, null, null);
    List<StreamDelta> deltas = new ArrayList<>();

    ChatResult r = backend.stream(plain, deltas::add);

    assertThat(r.content()).isEqualTo("[kairos] You asked: x");
    assertThat(deltas).hasSize(4).allSatisfy(d -> assertThat(d.logprobs()).isEmpty());
    assertThat(r.logprobs()).isEmpty();
    assertThat(fake.lastRequest().path("logprobs").asBoolean(true)).isFalse();
  }

  @Test
  void listsBaseAndAdaptersWithTheirParent() throws BackendException {
    List<ModelInfo> models = backend.models();

    assertThat(models).first().isEqualTo(new ModelInfo(BASE, null, FakeVllm.MAX_MODEL_LEN));
    assertThat(models.subList(1, models.size()))
        .extracting(ModelInfo::id)
        .containsExactlyElementsOf(ADAPTERS);
    assertThat(models.subList(1, models.size()))
        .allSatisfy(
            m -> {
              assertThat(m.parent()).isEqualTo(BASE);
              assertThat(m.maxModelLen()).isNull();
              assertThat(m.isAdapter()).isTrue();
            });
  }

  @Test
  void aRequestToAnUnloadedAdapterIsModelNotFound() throws BackendException {
    assertThat(backend.complete(ask("moira", "before")).model()).isEqualTo("moira");

    fake.unloadAdapter("moira");

    assertThat(backend.models()).extracting(ModelInfo::id).doesNotContain("moira");
    assertThatThrownBy(() -> backend.complete(ask("moira", "after")))
        .isInstanceOfSatisfying(
            BackendException.ModelNotFound.class,
            e -> {
              assertThat(e.model()).isEqualTo("moira");
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("The model `moira` does not exist.");
            });
    fake.loadAdapter("moira");
    assertThat(backend.complete(ask("moira", "again")).model()).isEqualTo("moira");
  }

  @Test
  void sendsTheApiKeyAsBearer() throws BackendException {
    fake.requireApiKey("s3cret");
    OpenAiChatBackend keyed =
        new OpenAiChatBackend(
            new BackendSettings(
                fake.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(5), "s3cret"));

    assertThat(keyed.complete(ask("kairos", "hi")).content()).contains("hi");
    assertThat(fake.requestHeaders().get(0)).containsEntry("authorization", "Bearer s3cret");
    assertThatThrownBy(() -> backend.complete(ask("kairos", "hi")))
        .isInstanceOfSatisfying(
            BackendException.Rejected.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void manyConcurrentCallsOnVirtualThreadsAllSucceed() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 20; i++) {
      String q = "q" + i;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      answers.add(backend.complete(ask("eleos", q)).content());
                    } catch (BackendException e) {
                      answers.add("failed: " + e.getMessage());
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join(10_000);
    }

    assertThat(answers).hasSize(20).allMatch(a -> a.startsWith("[eleos] You asked: q"));
    assertThat(fake.chatCount()).isEqualTo(20);
  }

  /** The client's tools, and a history holding a call and its result, as vLLM reads them. */
  private static ChatRequest withTools(boolean named) {
    ChatOptions.Tool lookup =
        new ChatOptions.Tool("lookup", "Finds events", Map.of("type", "object"), null);
    ChatOptions options =
        new ChatOptions(
            List.of(),
            java.util.OptionalLong.empty(),
            java.util.OptionalDouble.empty(),
            java.util.OptionalDouble.empty(),
            Map.of(),
            null,
            List.of(lookup),
            named ? new ChatOptions.ToolChoice.Function("lookup") : null,
            null,
            null,
            true,
            2);
    return new ChatRequest(
        "kairos",
        List.of(
            ChatMessage.user("When is my dentist?"),
            new ChatMessage.AssistantMessage("", List.of(new ToolCall("c0", "lookup", "{}"))),
            new ChatMessage.ToolMessage("c0", "no such event"),
            ChatMessage.user("And my barber?")),
        0.0,
        1.0,
        64,
        true,
        2,
        null,
        null,
        options);
  }

  @Test
  void toolCallsGoAndComeBackWithTheirLogprobs() throws BackendException {
    ChatResult r = backend.complete(withTools(true));

    JsonNode sent = fake.lastRequest();
    assertThat(sent.at("/messages/1/content").isNull()).isTrue();
    assertThat(sent.at("/messages/1/tool_calls/0/function/name").asText()).isEqualTo("lookup");
    assertThat(sent.at("/messages/2/role").asText()).isEqualTo("tool");
    assertThat(sent.at("/messages/2/tool_call_id").asText()).isEqualTo("c0");
    assertThat(sent.at("/tool_choice/function/name").asText()).isEqualTo("lookup");
    assertThat(sent.at("/tools/0/function/description").asText()).isEqualTo("Finds events");
    assertThat(r.finishReason()).isEqualTo("tool_calls");
    assertThat(r.content()).isEmpty();
    assertThat(r.toolCalls()).hasSize(1);
    assertThat(r.toolCalls().getFirst().name()).isEqualTo("lookup");
    assertThat(r.toolCalls().getFirst().arguments()).isEqualTo("{\"query\": \"And my barber?\"}");
    TokenLogprob first = r.logprobs().getFirst();
    assertThat(first.top()).hasSize(2);
    assertThat(first.bytes()).isNotNull().isNotEmpty();
  }

  @Test
  void aStreamedToolCallIsJoinedFromItsPieces() throws BackendException {
    List<StreamDelta> deltas = new ArrayList<>();
    ChatResult r = backend.stream(withTools(false), deltas::add);

    assertThat(deltas.getFirst().toolCalls().getFirst().name()).isEqualTo("lookup");
    assertThat(deltas.stream().filter(d -> !d.toolCalls().isEmpty()).count()).isGreaterThan(2);
    assertThat(r.finishReason()).isEqualTo("tool_calls");
    ToolCall call = r.toolCalls().getFirst();
    assertThat(call.id()).startsWith("chatcmpl-tool-");
    assertThat(call.arguments()).isEqualTo("{\"query\": \"And my barber?\"}");
    assertThat(r.logprobs()).allSatisfy(t -> assertThat(t.top()).hasSize(2));
  }
}
