package io.nyx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A second opinion on the fake's wire format: OpenAI's own Java SDK, which knows nothing of Nyx,
 * must read its answers. Keeps the fake from drifting towards what Nyx's client happens to accept.
 */
class FakeVllmOpenAiSdkTest {
  private FakeVllm fake;
  private OpenAIClient sdk;

  @BeforeEach
  void start() {
    fake = FakeVllm.start(FakeVllm.DEFAULT_BASE_MODEL, List.of("kairos"));
    sdk = OpenAIOkHttpClient.builder().baseUrl(fake.baseUrl()).apiKey("unused").build();
  }

  @AfterEach
  void stop() {
    sdk.close();
    fake.close();
  }

  private static ChatCompletionCreateParams params(String model) {
    return ChatCompletionCreateParams.builder()
        .model(model)
        .addUserMessage("what now")
        .logprobs(true)
        .topLogprobs(2)
        .build();
  }

  @Test
  void sdkReadsACompletionWithLogprobs() {
    ChatCompletion c = sdk.chat().completions().create(params("kairos"));

    assertThat(c.model()).isEqualTo("kairos");
    assertThat(c.choices().get(0).message().content()).contains("[kairos] You asked: what now");
    assertThat(c.choices().get(0).logprobs().orElseThrow().content().orElseThrow()).hasSize(5);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(5);
  }

  @Test
  void sdkReadsAStream() {
    StringBuilder content = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream =
        sdk.chat().completions().createStreaming(params("kairos"))) {
      stream.stream()
          .flatMap(chunk -> chunk.choices().stream())
          .forEach(choice -> choice.delta().content().ifPresent(content::append));
    }

    assertThat(content.toString()).isEqualTo("[kairos] You asked: what now");
  }

  @Test
  void sdkSeesTheUnknownModelAs404() {
    assertThatThrownBy(() -> sdk.chat().completions().create(params("hermes")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("does not exist");
  }
}
