package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Java SDK as the client of Nyx's /v1/chat/completions and /v1/models: every
 * request field is passed on to the (fake) vLLM as the SDK sent it, or refused with a 400 that
 * names it; tool calls, logprobs and JSON answers come back in the SDK's types, streaming included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiSdkTest {
  @TempDir static Path dataDir;
  FakeVllm vllm;
  Nyx nyx;
  OpenAIClient client;

  @BeforeAll
  void start() {
    vllm = FakeVllm.start("base", NyxServerTest.ADAPTERS);
    nyx = Nyx.start(NyxFixture.config(vllm.baseUrl(), dataDir, null), TestDatabase.fresh());
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + nyx.port() + "/v1")
            .apiKey("not-needed")
            .maxRetries(0)
            .build();
  }

  static final ObjectMapper JSON = new ObjectMapper();

  @AfterAll
  void stop() {
    client.close();
    nyx.close();
    vllm.close();
  }

  @Test
  void routedCompletionCarriesNyxHeaders() {
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("nyx")
            .addSystemMessage("Answer briefly.")
            .addUserMessage("I have a deadline in two hours and three tasks left, what first?")
            .build();
    ChatCompletion c;
    List<String> specialist;
    List<String> queryId;
    try (HttpResponseFor<ChatCompletion> raw =
        client.chat().completions().withRawResponse().create(params)) {
      c = raw.parse();
      specialist = raw.headers().values("X-Nyx-Specialist");
      queryId = raw.headers().values("X-Nyx-Query-Id");
    }
    assertThat(specialist).containsExactly("kairos");
    assertThat(c.model()).isEqualTo("nyx/kairos");
    assertThat(c.id()).isEqualTo("chatcmpl-" + queryId.getFirst());
    assertThat(c.choices().getFirst().message().content())
        .hasValueSatisfying(s -> assertThat(s).contains("[kairos]"));
    assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
    String system = vllm.requests().getLast().at("/messages/0/content").asText();
    assertThat(system).contains("Answer briefly.");
  }

  @Test
  void forcedSpecialistStreams() {
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("nyx/eleos")
            .addUserMessage("I feel so alone lately")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build();
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params)) {
      chunks = stream.stream().toList();
    }
    for (ChatCompletionChunk chunk : chunks) {
      chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
    }
    assertThat(text.toString()).startsWith("[eleos]");
    assertThat(chunks.getFirst().model()).isEqualTo("nyx/eleos");
    assertThat(chunks.getLast().usage()).isPresent();
    assertThat(vllm.requests().getLast().get("stream").asBoolean()).isTrue();
  }

  @Test
  void unknownModelIsNotFound() {
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi").build();
    assertThatThrownBy(() -> client.chat().completions().create(params))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nyx/mnemosyne");
  }

  @Test
  void samplingFieldsArePassedOnAsSent() {
    ChatCompletionCreateParams params =
        forced("nyx/kairos", "What should I do first today?")
            .stop("do")
            .seed(42)
            .frequencyPenalty(0.5)
            .presencePenalty(-0.25)
            .logitBias(
                ChatCompletionCreateParams.LogitBias.builder()
                    .putAdditionalProperty("1234", JsonValue.from(-100))
                    .build())
            .user("end-user-7")
            .maxCompletionTokens(40)
            .build();
    ChatCompletion c = client.chat().completions().create(params);

    JsonNode sent = vllm.lastRequest();
    assertThat(sent.get("stop").toString()).isEqualTo("[\"do\"]");
    assertThat(sent.get("seed").asLong()).isEqualTo(42);
    assertThat(sent.get("frequency_penalty").asDouble()).isEqualTo(0.5);
    assertThat(sent.get("presence_penalty").asDouble()).isEqualTo(-0.25);
    assertThat(sent.get("logit_bias").toString()).isEqualTo("{\"1234\":-100.0}");
    assertThat(sent.get("user").asText()).isEqualTo("end-user-7");
    assertThat(sent.get("max_tokens").asInt()).isEqualTo(40);
    // The fake stops where vLLM would: before the stop string, which is not included.
    assertThat(text(c)).isEqualTo("[kairos] You asked: What should I ");
  }

  @Test
  void nAboveOneIsRefusedNamingItAndWhy() {
    BadRequestException e = refused(forced("nyx", "hi").n(2).build());
    assertThat(e.param()).hasValue("n");
    assertThat(e.getMessage()).contains("one answer per request");
    assertThat(
            client.chat().completions().create(forced("nyx/kairos", "hi").n(1).build()).choices())
        .hasSize(1);
  }

  @Test
  void fieldsNyxCannotHonourAreRefusedNamingThem() {
    assertThat(refused(forced("nyx", "hi").reasoningEffort(ReasoningEffort.LOW).build()).param())
        .hasValue("reasoning_effort");
    assertThat(
            refused(
                    forced("nyx", "hi")
                        .modalities(List.of(ChatCompletionCreateParams.Modality.AUDIO))
                        .build())
                .param())
        .hasValue("modalities");
    assertThat(
            refused(
                    forced("nyx", "hi")
                        .putAdditionalBodyProperty("top_k", JsonValue.from(5))
                        .build())
                .getMessage())
        .contains("unknown field 'top_k'");
    assertThat(refused(forced("nyx", "hi").topLogprobs(3).build()).param())
        .hasValue("top_logprobs");
  }

  @Test
  void jsonObjectAndJsonSchemaAnswersArePassedOn() throws Exception {
    ChatCompletion object =
        client
            .chat()
            .completions()
            .create(
                forced("nyx/kairos", "Plan my day as JSON")
                    .responseFormat(ResponseFormatJsonObject.builder().build())
                    .build());
    assertThat(vllm.lastRequest().at("/response_format/type").asText()).isEqualTo("json_object");
    assertThat(JSON.readTree(text(object)).get("answer").asText()).contains("Plan my day");

    ResponseFormatJsonSchema schema =
        ResponseFormatJsonSchema.builder()
            .jsonSchema(
                ResponseFormatJsonSchema.JsonSchema.builder()
                    .name("priority")
                    .strict(true)
                    .schema(
                        ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                            .putAdditionalProperty("type", JsonValue.from("object"))
                            .putAdditionalProperty(
                                "properties",
                                JsonValue.from(
                                    Map.of("level", Map.of("enum", List.of("high", "low")))))
                            .build())
                    .build())
            .build();
    ChatCompletion structured =
        client
            .chat()
            .completions()
            .create(forced("nyx/kairos", "How urgent?").responseFormat(schema).build());
    JsonNode sent = vllm.lastRequest().get("response_format");
    assertThat(sent.at("/json_schema/name").asText()).isEqualTo("priority");
    assertThat(sent.at("/json_schema/strict").asBoolean()).isTrue();
    assertThat(sent.at("/json_schema/schema/properties/level/enum/0").asText()).isEqualTo("high");
    assertThat(JSON.readTree(text(structured)).get("level").asText()).isEqualTo("high");
  }

  @Test
  void logprobsAreReturnedWhenAskedAndNyxStillScores() {
    ChatCompletion plain =
        client.chat().completions().create(forced("nyx/kairos", "Which task first?").build());
    assertThat(plain.choices().getFirst().logprobs()).isEmpty();

    ChatCompletion asked =
        client
            .chat()
            .completions()
            .create(
                forced("nyx/kairos", "Which task first?").logprobs(true).topLogprobs(3).build());
    JsonNode sent = vllm.lastRequest();
    assertThat(sent.get("logprobs").asBoolean()).isTrue();
    assertThat(sent.get("top_logprobs").asInt()).isEqualTo(3);
    List<ChatCompletionTokenLogprob> tokens =
        asked.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
    assertThat(tokens).isNotEmpty();
    assertThat(String.join("", tokens.stream().map(ChatCompletionTokenLogprob::token).toList()))
        .isEqualTo(text(asked));
    ChatCompletionTokenLogprob first = tokens.getFirst();
    assertThat(first.logprob()).isEqualTo(FakeVllm.DEFAULT_LOGPROB);
    assertThat(first.topLogprobs()).hasSize(3);
    assertThat(first.bytes()).isPresent();
    // Nyx's confidence comes from the same logprobs, whether or not the client sees them.
    assertThat(nyx(asked, "confidence")).isEqualTo(nyx(plain, "confidence"));
    assertThat(nyx(asked, "confidence")).isCloseTo(Math.exp(FakeVllm.DEFAULT_LOGPROB), within());
  }

  @Test
  void logprobsStream() {
    List<ChatCompletionChunk> chunks =
        stream(forced("nyx/kairos", "Which task first?").logprobs(true).topLogprobs(2).build());
    List<ChatCompletionTokenLogprob> tokens =
        chunks.stream()
            .flatMap(c -> c.choices().stream())
            .flatMap(ch -> ch.logprobs().flatMap(l -> l.content()).orElse(List.of()).stream())
            .toList();
    assertThat(tokens).isNotEmpty().allSatisfy(t -> assertThat(t.topLogprobs()).hasSize(2));
  }

  @Test
  void aToolCallingConversationTakesBothTurns() {
    ChatCompletion first =
        client.chat().completions().create(withTools("nyx/kairos", "When is my dentist?").build());
    ChatCompletion.Choice choice = first.choices().getFirst();
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessage asked = choice.message();
    ChatCompletionMessageFunctionToolCall call =
        asked.toolCalls().orElseThrow().getFirst().asFunction();
    assertThat(call.function().name()).isEqualTo("calendar_lookup");
    assertThat(call.function().arguments()).isEqualTo("{\"query\": \"When is my dentist?\"}");
    assertThat(asked.content()).isEmpty();
    JsonNode sent = vllm.lastRequest();
    assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("calendar_lookup");
    assertThat(sent.at("/tools/0/function/parameters/properties/query/type").asText())
        .isEqualTo("string");
    assertThat(sent.get("parallel_tool_calls").asBoolean()).isFalse();

    ChatCompletion second =
        client
            .chat()
            .completions()
            .create(
                withTools("nyx/kairos", "When is my dentist?")
                    .addMessage(asked)
                    .addMessage(
                        ChatCompletionToolMessageParam.builder()
                            .toolCallId(call.id())
                            .content("Tuesday 9:00")
                            .build())
                    .build());
    assertThat(second.choices().getFirst().finishReason())
        .isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(text(second)).contains("When is my dentist?");
    JsonNode history = vllm.lastRequest().get("messages");
    JsonNode assistant = history.get(history.size() - 2);
    assertThat(assistant.get("role").asText()).isEqualTo("assistant");
    assertThat(assistant.get("content").isNull()).isTrue();
    assertThat(assistant.at("/tool_calls/0/id").asText()).isEqualTo(call.id());
    assertThat(assistant.at("/tool_calls/0/function/arguments").asText())
        .isEqualTo(call.function().arguments());
    JsonNode result = history.get(history.size() - 1);
    assertThat(result.get("role").asText()).isEqualTo("tool");
    assertThat(result.get("tool_call_id").asText()).isEqualTo(call.id());
    assertThat(result.get("content").asText()).isEqualTo("Tuesday 9:00");
  }

  @Test
  void aNamedToolChoiceIsPassedOnAndToolCallsStream() {
    ChatCompletionCreateParams params =
        withTools("nyx/kairos", "Book the dentist")
            .toolChoice(
                ChatCompletionNamedToolChoice.builder()
                    .function(ChatCompletionNamedToolChoice.Function.builder().name("book").build())
                    .build())
            .build();
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    List<ChatCompletionChunk> chunks = stream(params);
    chunks.forEach(acc::accumulate);
    assertThat(vllm.lastRequest().at("/tool_choice/function/name").asText()).isEqualTo("book");
    assertThat(chunks.stream().filter(c -> !c.choices().isEmpty()).count())
        .as("the arguments came in pieces")
        .isGreaterThan(3);
    ChatCompletion.Choice whole = acc.chatCompletion().choices().getFirst();
    assertThat(whole.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    ChatCompletionMessageFunctionToolCall call =
        whole.message().toolCalls().orElseThrow().getFirst().asFunction();
    assertThat(call.function().name()).isEqualTo("book");
    assertThat(call.function().arguments()).isEqualTo("{\"query\": \"Book the dentist\"}");
    assertThat(call.id()).startsWith("chatcmpl-tool-");
  }

  @Test
  void theModelServersRefusalOfAToolChoiceIsA400NamingIt() {
    vllm.autoToolChoice(false);
    try {
      BadRequestException e =
          refused(
              withTools("nyx/kairos", "When is my dentist?")
                  .toolChoice(ChatCompletionToolChoiceOption.Auto.AUTO)
                  .build());
      assertThat(e.param()).hasValue("tool_choice");
      assertThat(e.getMessage()).contains("--enable-auto-tool-choice");
    } finally {
      vllm.autoToolChoice(true);
    }
  }

  @Test
  void modelsCanBeRetrievedById() {
    assertThat(client.models().retrieve("nyx").id()).isEqualTo("nyx");
    assertThat(client.models().retrieve("nyx/kairos").id()).isEqualTo("nyx/kairos");
    assertThat(client.models().retrieve("nyx/kairos").ownedBy()).isEqualTo("nyx");
    assertThatThrownBy(() -> client.models().retrieve("gpt-4o"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nyx/kairos");
    // Clients send a specialist's id as is or encoded; both name the same model.
    var http = new io.nyx.testing.HttpTestClient("http://127.0.0.1:" + nyx.port());
    for (String path : List.of("/v1/models/nyx/kairos", "/v1/models/nyx%2Fkairos")) {
      var r = http.get(path);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.json().get("id").asText()).as(path).isEqualTo("nyx/kairos");
    }
  }

  private static ChatCompletionCreateParams.Builder forced(String model, String question) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage(question);
  }

  /** Two functions: calendar_lookup (first, so the fake's "auto" calls it) and book. */
  private static ChatCompletionCreateParams.Builder withTools(String model, String question) {
    FunctionParameters params =
        FunctionParameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty(
                "properties", JsonValue.from(Map.of("query", Map.of("type", "string"))))
            .build();
    Consumer<ChatCompletionCreateParams.Builder> tools =
        b ->
            b.addTool(function("calendar_lookup", "Finds events", params))
                .addTool(function("book", "Books an appointment", params))
                .parallelToolCalls(false);
    ChatCompletionCreateParams.Builder b = forced(model, question);
    tools.accept(b);
    return b;
  }

  private static ChatCompletionFunctionTool function(
      String name, String description, FunctionParameters params) {
    return ChatCompletionFunctionTool.builder()
        .function(
            FunctionDefinition.builder()
                .name(name)
                .description(description)
                .parameters(params)
                .build())
        .build();
  }

  private BadRequestException refused(ChatCompletionCreateParams params) {
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> client.chat().completions().create(params));
    assertThat(t).isInstanceOf(BadRequestException.class);
    return (BadRequestException) t;
  }

  private List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
    try (StreamResponse<ChatCompletionChunk> s =
        client.chat().completions().createStreaming(params)) {
      return s.stream().toList();
    }
  }

  private static String text(ChatCompletion c) {
    return c.choices().getFirst().message().content().orElseThrow();
  }

  /** A number of the {@code nyx} extension object. */
  private static double nyx(ChatCompletion c, String field) {
    return c._additionalProperties().get("nyx").convert(JsonNode.class).get(field).asDouble();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
