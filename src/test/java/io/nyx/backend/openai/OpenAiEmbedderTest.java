package io.nyx.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nyx.backend.BackendException;
import io.nyx.backend.BackendSettings;
import io.nyx.memory.TextsRejectedException;
import io.nyx.testing.FakeVllm;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiEmbedderTest {
  private FakeVllm fake;

  @BeforeEach
  void start() {
    fake = FakeVllm.start().embeddingDimension(48);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private OpenAiEmbedder embedder(int dimension) {
    return embedder(dimension, "base64");
  }

  private OpenAiEmbedder embedder(int dimension, String format) {
    return new OpenAiEmbedder(
        BackendSettings.of(fake.baseUrl()), FakeVllm.EMBEDDING_MODEL, dimension, format);
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  @Test
  void returnsUnitVectorsOfTheDiscoveredDimension() {
    OpenAiEmbedder e = embedder(0);

    float[] v = e.embed("the quick brown fox");

    assertThat(e.modelId()).isEqualTo(FakeVllm.EMBEDDING_MODEL);
    assertThat(e.dimension()).isEqualTo(48);
    assertThat(v).hasSize(48);
    assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
    assertThat(v).containsExactly(FakeVllm.embeddingOf("the quick brown fox", 48), within(1e-6f));
  }

  @Test
  void dimensionAskedFirstIsLearntWithOneProbe() {
    assertThat(embedder(0).dimension()).isEqualTo(48);
  }

  @Test
  void batchEqualsSinglesInOrderAcrossBatchBoundaries() {
    OpenAiEmbedder e = embedder(48);
    List<String> texts =
        IntStream.range(0, OpenAiEmbedder.BATCH_SIZE + 7)
            .mapToObj(i -> "memory number " + i)
            .toList();

    List<float[]> batch = e.embedAll(texts);
    List<float[]> singles = new ArrayList<>();
    for (String t : List.of(texts.get(0), texts.get(63), texts.get(64), texts.get(70))) {
      singles.add(e.embed(t));
    }

    assertThat(batch).hasSize(texts.size());
    assertThat(batch.get(0)).containsExactly(singles.get(0), within(1e-6f));
    assertThat(batch.get(63)).containsExactly(singles.get(1), within(1e-6f));
    assertThat(batch.get(64)).containsExactly(singles.get(2), within(1e-6f));
    assertThat(batch.get(70)).containsExactly(singles.get(3), within(1e-6f));
    assertThat(batch.get(1)).isNotEqualTo(batch.get(2));
    assertThat(e.embedAll(List.of())).isEmpty();
  }

  @Test
  void wrongDimensionIsAClearError() {
    OpenAiEmbedder e = embedder(384);

    assertThatThrownBy(() -> e.embed("x"))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("48-d")
        .hasMessageContaining("expected 384");
  }

  @Test
  void unknownModelIsAnEmbeddingExceptionCarryingTheBackendError() {
    OpenAiEmbedder e = new OpenAiEmbedder(BackendSettings.of(fake.baseUrl()), "no-such-model");

    assertThatThrownBy(() -> e.embed("x"))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("no-such-model")
        .hasCauseInstanceOf(BackendException.ModelNotFound.class);
  }

  @Test
  void base64IsAskedForByDefaultAndGivesTheVectorsFloatsGive() {
    List<String> texts = List.of("the quick brown fox", "jumps over", "the lazy dog again");

    List<float[]> base64 = embedder(0).embedAll(texts);
    assertThat(fake.lastEmbeddingRequest().path("encoding_format").asText()).isEqualTo("base64");
    List<float[]> floats = embedder(0, "float").embedAll(texts);
    assertThat(fake.lastEmbeddingRequest().has("encoding_format")).isFalse(); // the default

    for (int i = 0; i < texts.size(); i++) {
      float[] oracle = FakeVllm.embeddingOf(texts.get(i), 48);
      assertThat(base64.get(i)).containsExactly(oracle, within(1e-6f));
      assertThat(floats.get(i)).containsExactly(oracle, within(1e-6f));
    }
  }

  @Test
  void base64IsLittleEndianFloat32AndBrokenBase64IsAClearError() {
    // 1.0f and -2.5f, little-endian: 00 00 80 3f, 00 00 20 c0
    assertThat(OpenAiEmbedder.decodeBase64("u", "AACAPwAAIMA=")).containsExactly(1.0f, -2.5f);

    assertThatThrownBy(() -> OpenAiEmbedder.decodeBase64("http://e", "not base64!"))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("not valid base64");
    assertThatThrownBy(() -> OpenAiEmbedder.decodeBase64("http://e", "AACAPwA="))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("5 bytes");
  }

  @Test
  void aTextTheServerRefusesIsATextsRejectedErrorNotAnOutage() {
    fake.embeddingMaxWords(5);

    assertThatThrownBy(() -> embedder(48).embed("one two three four five six seven"))
        .isInstanceOf(TextsRejectedException.class)
        .hasMessageContaining("maximum context length")
        .hasCauseInstanceOf(BackendException.Rejected.class);
    assertThat(embedder(48).embed("one two three")).hasSize(48);
  }

  @Test
  void onlyA400AboutTheInputBlamesTheTexts() {
    String url = "http://e/v1/embeddings";
    assertThat(
            OpenAiEmbedder.blamesTheTexts(
                new BackendException.Rejected(
                    url, 400, "BadRequestError", "", "This model's maximum context length is 512")))
        .isTrue();
    assertThat(
            OpenAiEmbedder.blamesTheTexts(
                new BackendException.Rejected(url, 422, "Bad Request", "body.input", "too long")))
        .isTrue();
    assertThat(
            OpenAiEmbedder.blamesTheTexts(
                new BackendException.Rejected(
                    url, 400, "BadRequestError", "", "The model does not support Embeddings API")))
        .isFalse();
    assertThat(
            OpenAiEmbedder.blamesTheTexts(
                new BackendException.Rejected(
                    url, 400, "Bad Request", "body.encoding_format", "Input should be 'float'")))
        .isFalse();
    assertThat(
            OpenAiEmbedder.blamesTheTexts(
                new BackendException.Rejected(url, 429, "RateLimitError", "", "slow down")))
        .isFalse();
  }

  @Test
  void anUnknownEncodingFormatIsRefusedHere() {
    assertThatThrownBy(() -> embedder(48, "bytes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base64 or float");
  }
}
