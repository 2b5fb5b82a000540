package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The official OpenAI Java SDK as the client of Nyx's /v1/chat/completions. */
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
}
