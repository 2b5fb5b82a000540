package io.nyx.testing;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake's own wire behaviour, checked with raw HTTP. */
class FakeVllmTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private FakeVllm fake;

  @BeforeEach
  void start() {
    fake = FakeVllm.start("base-model", List.of("kairos"));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void loadAndUnloadAnswerInPlainTextAndChangeTheModelList() throws Exception {
    HttpResponse<String> load =
        post("/load_lora_adapter", "{\"lora_name\":\"moira@v2\",\"lora_path\":\"/a/moira/v2\"}");

    assertThat(load.statusCode()).isEqualTo(200);
    assertThat(load.body()).isEqualTo("Success: LoRA adapter 'moira@v2' added successfully.");
    assertThat(load.headers().firstValue("Content-Type")).isEmpty();
    JsonNode models = JSON.readTree(get(fake.baseUrl() + "/models").body());
    JsonNode card = models.path("data").get(2);
    assertThat(card.path("id").asText()).isEqualTo("moira@v2");
    assertThat(card.path("root").asText()).isEqualTo("/a/moira/v2");
    assertThat(card.path("parent").asText()).isEqualTo("base-model");

    HttpResponse<String> unload = post("/unload_lora_adapter", "{\"lora_name\":\"moira@v2\"}");
    assertThat(unload.body()).isEqualTo("Success: LoRA adapter 'moira@v2' removed successfully.");
    assertThat(fake.adapters()).containsExactly("kairos");
  }

  @Test
  void adapterErrorsAreVllmJson() throws Exception {
    HttpResponse<String> twice =
        post("/load_lora_adapter", "{\"lora_name\":\"kairos\",\"lora_path\":\"/x\"}");
    HttpResponse<String> unknown = post("/unload_lora_adapter", "{\"lora_name\":\"nobody\"}");
    HttpResponse<String> empty =
        post("/load_lora_adapter", "{\"lora_name\":\"\",\"lora_path\":\"\"}");

    assertThat(twice.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(twice.body()).path("error").path("type").asText())
        .isEqualTo("InvalidUserInput");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).path("error").path("message").asText())
        .isEqualTo("The lora adapter 'nobody' cannot be found.");
    assertThat(JSON.readTree(empty.body()).path("error").path("message").asText())
        .isEqualTo("Both 'lora_name' and 'lora_path' must be provided.");
  }

  @Test
  void modelCardsHaveTheVllmShape() throws Exception {
    JsonNode data = JSON.readTree(get(fake.baseUrl() + "/models").body()).path("data");

    JsonNode base = data.get(0);
    assertThat(base.path("parent").isNull()).isTrue();
    assertThat(base.path("max_model_len").asInt()).isEqualTo(FakeVllm.MAX_MODEL_LEN);
    assertThat(base.path("owned_by").asText()).isEqualTo("vllm");
    assertThat(base.path("permission").get(0).path("object").asText())
        .isEqualTo("model_permission");
    assertThat(data.get(1).path("max_model_len").isNull()).isTrue();
  }

  @Test
  void healthIsAnEmpty200() throws Exception {
    HttpResponse<String> health = get("http://127.0.0.1:" + fake.port() + "/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEmpty();
  }

  @Test
  void completionKeepsNullKeysAndLimitsTopLogprobs() throws Exception {
    HttpResponse<String> r =
        post(
            "/chat/completions",
            "{\"model\":\"kairos\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}],"
                + "\"logprobs\":true,\"top_logprobs\":2}");

    JsonNode body = JSON.readTree(r.body());
    JsonNode choice = body.path("choices").get(0);
    assertThat(body.has("system_fingerprint")).isTrue();
    assertThat(body.path("system_fingerprint").isNull()).isTrue();
    assertThat(choice.path("message").path("tool_calls").isArray()).isTrue();
    assertThat(choice.has("stop_reason")).isTrue();
    JsonNode first = choice.path("logprobs").path("content").get(0);
    assertThat(first.path("token").asText()).isEqualTo("[kairos]");
    assertThat(first.path("top_logprobs")).hasSize(2);
    assertThat(first.path("bytes").get(0).asInt()).isEqualTo('[');
    assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(2);
  }

  @Test
  void validationErrorsMatchVllm() throws Exception {
    HttpResponse<String> noMessages = post("/chat/completions", "{\"model\":\"kairos\"}");
    HttpResponse<String> topWithoutLogprobs =
        post("/chat/completions", "{\"messages\":[],\"top_logprobs\":3}");
    HttpResponse<String> optionsWithoutStream =
        post("/chat/completions", "{\"messages\":[],\"stream_options\":{\"include_usage\":true}}");
    HttpResponse<String> unknownModel =
        post("/chat/completions", "{\"model\":\"nope\",\"messages\":[]}");

    assertThat(noMessages.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noMessages.body()).path("error").path("param").asText())
        .isEqualTo("body.messages");
    assertThat(topWithoutLogprobs.statusCode()).isEqualTo(400);
    assertThat(optionsWithoutStream.statusCode()).isEqualTo(400);
    assertThat(unknownModel.statusCode()).isEqualTo(404);
    assertThat(unknownModel.body())
        .isEqualTo(
            "{\"error\":{\"message\":\"The model `nope` does not exist.\","
                + "\"type\":\"NotFoundError\",\"param\":\"model\",\"code\":404}}");
    assertThat(fake.chatCount()).isEqualTo(4);
  }

  @Test
  void streamEndsWithUsageChunkThenDone() throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/chat/completions"))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}"))
            .build();
    HttpResponse<java.io.InputStream> resp =
        http.send(r, HttpResponse.BodyHandlers.ofInputStream());
    List<String> data;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
      data = in.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }

    assertThat(resp.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    JsonNode usage = JSON.readTree(data.get(data.size() - 2));
    assertThat(usage.path("choices")).isEmpty();
    assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
    JsonNode last = JSON.readTree(data.get(data.size() - 3)).path("choices").get(0);
    assertThat(last.path("finish_reason").asText()).isEqualTo("stop");
    assertThat(last.has("logprobs")).as("0.17-style: key absent without logprobs").isFalse();
    assertThat(
            JSON.readTree(data.get(0)).path("choices").get(0).path("delta").path("role").asText())
        .isEqualTo("assistant");
  }

  @Test
  void embeddingsHaveTheOpenAiShape() throws Exception {
    HttpResponse<String> r =
        post(
            "/embeddings",
            "{\"model\":\"sentence-transformers/all-MiniLM-L6-v2\",\"input\":[\"a b\",\"c\"]}");

    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("object").asText()).isEqualTo("list");
    assertThat(body.path("data")).hasSize(2);
    assertThat(body.path("data").get(1).path("index").asInt()).isEqualTo(1);
    assertThat(body.path("data").get(0).path("embedding"))
        .hasSize(FakeVllm.DEFAULT_EMBEDDING_DIMENSION);
    assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void closingReleasesHungRequests() throws Exception {
    fake.hangNext();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    post("/chat/completions", "{\"messages\":[]}");
                  } catch (Exception e) {
                    // expected: the connection closes with the fake
                  }
                });
    // Recorded, then held: closing now releases a request that is hanging, not one on its way.
    await("the request hanging at the fake")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> fake.chatCount() == 1);
    fake.close();
    caller.join(5_000);
    assertThat(caller.isAlive()).isFalse();
  }

  @Test
  void unknownRouteIsFastApiNotFound() throws Exception {
    HttpResponse<String> r = get(fake.baseUrl() + "/nothing-here");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEqualTo("{\"detail\":\"Not Found\"}");
  }
}
