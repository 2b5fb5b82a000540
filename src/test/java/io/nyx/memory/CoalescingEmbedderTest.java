package io.nyx.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nyx.backend.BackendSettings;
import io.nyx.backend.openai.EmbeddingException;
import io.nyx.backend.openai.OpenAiEmbedder;
import io.nyx.testing.FakeVllm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Through a real HTTP {@code /v1/embeddings} (the fake vLLM), with concurrent callers. */
// A caller left waiting would otherwise hang the build; a separate thread, because the test's
// own thread may be stuck closing an executor whose tasks never end.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
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
    final AtomicInteger rejectedBatches = new AtomicInteger(); // of more than one text

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
      } catch (TextsRejectedException e) {
        if (texts.size() > 1) {
          rejectedBatches.incrementAndGet();
        }
        throw e;
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

    assertThat(remote.rejectedBatches.get()).isPositive(); // it did travel with others
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
      assertThat(failure(v))
          .isInstanceOf(EmbeddingFailedException.class)
          .hasMessageContaining(url)
          .hasCauseInstanceOf(EmbeddingException.class);
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

  /** An in-memory embedder whose calls wait for {@code release} and then do {@code answer}. */
  private static Embedder held(
      CountDownLatch release, Function<List<String>, List<float[]>> answer) {
    return held(new CountDownLatch(1), release, answer);
  }

  /** Same, counting {@code started} down as a call begins. */
  private static Embedder held(
      CountDownLatch started,
      CountDownLatch release,
      Function<List<String>, List<float[]>> answer) {
    return new Embedder() {
      @Override
      public String modelId() {
        return "held";
      }

      @Override
      public int dimension() {
        return 2;
      }

      @Override
      public float[] embed(String text) {
        return embedAll(List.of(text)).get(0);
      }

      @Override
      public List<float[]> embedAll(List<String> texts) {
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        return answer.apply(texts);
      }
    };
  }

  @Test
  void anErrorOrAWrongNumberOfVectorsFailsEveryCallerAndLeavesNoneWaiting() throws Exception {
    CountDownLatch open = new CountDownLatch(0);
    CoalescingEmbedder throwsError =
        new CoalescingEmbedder(
            held(
                open,
                t -> {
                  throw new AssertionError("boom");
                }),
            1,
            64);
    CoalescingEmbedder none = new CoalescingEmbedder(held(open, t -> List.of()), 1, 64);
    CoalescingEmbedder nulls =
        new CoalescingEmbedder(held(open, t -> Arrays.asList(new float[t.size()][])), 1, 64);

    for (Future<float[]> f : concurrently(throwsError, texts(10))) {
      assertThat(failure(f)).isNotNull(); // the sender's own AssertionError, or a failure
    }
    for (CoalescingEmbedder wrong : List.of(none, nulls)) {
      for (Future<float[]> f : concurrently(wrong, texts(10))) {
        assertThat(failure(f))
            .isInstanceOf(EmbeddingFailedException.class)
            .hasMessageContaining("vectors (nulls included) for");
      }
    }
  }

  @Test
  void anInterruptedCallerStopsWaitingAndNeverFailsTheOthers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    CoalescingEmbedder e =
        new CoalescingEmbedder(
            held(started, release, t -> t.stream().map(x -> new float[] {1, 0}).toList()), 1, 64);
    List<Future<float[]>> first = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      first.add(threads.submit(() -> e.embed("holds the one call open")));
      started.await();
      List<Future<float[]>> queued = new ArrayList<>();
      for (String t : texts(5)) {
        queued.add(threads.submit(() -> e.embed(t)));
      }
      Thread.sleep(100);
      queued.get(2).cancel(true); // interrupts a caller whose text waits

      release.countDown();
      for (int i = 0; i < queued.size(); i++) {
        if (i != 2) {
          assertThat(queued.get(i).get(10, TimeUnit.SECONDS)).containsExactly(1f, 0f);
        }
      }
      assertThat(first.get(0).get(10, TimeUnit.SECONDS)).containsExactly(1f, 0f);
    }
  }
}
