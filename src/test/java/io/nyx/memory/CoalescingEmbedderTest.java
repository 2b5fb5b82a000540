package io.nyx.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nyx.backend.BackendSettings;
import io.nyx.backend.openai.EmbeddingException;
import io.nyx.backend.openai.OpenAiEmbedder;
import io.nyx.testing.FakeVllm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Through a real HTTP {@code /v1/embeddings} (the fake vLLM), with concurrent callers. */
@Timeout(60) // a caller left waiting would otherwise hang the build
class CoalescingEmbedderTest {
  private static final int DIM = 32;
  private FakeVllm fake;

  @BeforeEach
  void start() {
    fake = FakeVllm.start().embeddingDimension(DIM).embeddingDelay(Duration.ofMillis(40));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  /** Counts the calls that reach the remote embedder and the most that ran at once. */
  private static final class Watched implements Embedder {
    final Embedder inner;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();

    Watched(Embedder inner) {
      this.inner = inner;
    }

    @Override
    public String modelId() {
      return inner.modelId();
    }

    @Override
    public int dimension() {
      return inner.dimension();
    }

    @Override
    public float[] embed(String text) {
      return embedAll(List.of(text)).get(0);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      calls.incrementAndGet();
      peak.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        return inner.embedAll(texts);
      } finally {
        running.decrementAndGet();
      }
    }
  }

  private Watched remote(String url) {
    return new Watched(
        new OpenAiEmbedder(BackendSettings.of(url), FakeVllm.EMBEDDING_MODEL, DIM, "base64"));
  }

  /** Each text embedded on its own virtual thread, all started together. */
  private static List<Future<float[]>> concurrently(Embedder e, List<String> texts) {
    List<Future<float[]>> out = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      texts.forEach(t -> out.add(threads.submit(() -> e.embed(t))));
    }
    return out;
  }

  private static List<String> texts(int n) {
    return IntStream.range(0, n).mapToObj(i -> "question number " + i + " about rent").toList();
  }

  @Test
  void concurrentTextsShareRequestsWithinTheBoundAndGetTheirOwnVectors() throws Exception {
    Watched remote = remote(fake.baseUrl());
    CoalescingEmbedder e = new CoalescingEmbedder(remote, 2, OpenAiEmbedder.BATCH_SIZE);
    List<String> texts = texts(60);

    List<Future<float[]>> vectors = concurrently(e, texts);

    for (int i = 0; i < texts.size(); i++) {
      assertThat(vectors.get(i).get())
          .containsExactly(FakeVllm.embeddingOf(texts.get(i), DIM), within(1e-6f));
    }
    assertThat(remote.peak.get()).isLessThanOrEqualTo(2);
    assertThat(remote.calls.get()).isLessThanOrEqualTo(12); // one request per text: 60
    assertThat(fake.embeddingRequests()).isEqualTo(remote.calls.get());
  }

  @Test
  void aLoneTextGoesAtOnceAndBatchesGoStraightThrough() {
    Watched remote = remote(fake.baseUrl());
    CoalescingEmbedder e = new CoalescingEmbedder(remote, 2, 8);

    assertThat(e.embed("just me"))
        .containsExactly(FakeVllm.embeddingOf("just me", DIM), within(1e-6f));
    List<float[]> all = e.embedAll(texts(20));

    assertThat(all).hasSize(20);
    assertThat(remote.calls.get()).isEqualTo(2);
  }

  @Test
  void aTextTheServerRefusesFailsAloneNotTheTextsItTravelledWith() throws Exception {
    fake.embeddingMaxWords(8);
    Watched remote = remote(fake.baseUrl());
    CoalescingEmbedder e = new CoalescingEmbedder(remote, 1, OpenAiEmbedder.BATCH_SIZE);
    List<String> texts = new ArrayList<>(texts(30));
    String tooLong = "this one is far too long for the embedding model to take in";
    texts.add(15, tooLong);

    List<Future<float[]>> vectors = concurrently(e, texts);

    for (int i = 0; i < texts.size(); i++) {
      if (i == 15) {
        assertThat(failure(vectors.get(i)))
            .isInstanceOf(TextsRejectedException.class)
            .hasMessageContaining("maximum context length");
      } else {
        assertThat(vectors.get(i).get())
            .containsExactly(FakeVllm.embeddingOf(texts.get(i), DIM), within(1e-6f));
      }
    }
  }

  @Test
  void whenTheServerIsDownEveryCallerFailsPromptlyAndNoneHangs() throws Exception {
    String url = fake.baseUrl();
    fake.close();
    CoalescingEmbedder e = new CoalescingEmbedder(remote(url), 2, OpenAiEmbedder.BATCH_SIZE);

    List<Future<float[]>> vectors = concurrently(e, texts(40));

    for (Future<float[]> v : vectors) {
      assertThat(failure(v)).isInstanceOf(EmbeddingException.class).hasMessageContaining(url);
    }
    fake = FakeVllm.start(); // for stop()
  }

  private static Throwable failure(Future<float[]> f) throws InterruptedException {
    try {
      f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("a caller hung", e);
    }
  }
}
