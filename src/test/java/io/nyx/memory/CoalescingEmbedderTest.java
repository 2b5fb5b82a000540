package io.nyx.memory;

import static io.nyx.testing.Waits.await;
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

  @Test
  void anErrorOrAWrongNumberOfVectorsFailsEveryCallerAndLeavesNoneWaiting() throws Exception {
    CoalescingEmbedder throwsError =
        new CoalescingEmbedder(
            new Gated(
                t -> {
                  throw new AssertionError("boom");
                }),
            1,
            64);
    CoalescingEmbedder none = new CoalescingEmbedder(new Gated(t -> List.of()), 1, 64);
    CoalescingEmbedder nulls =
        new CoalescingEmbedder(new Gated(t -> Arrays.asList(new float[t.size()][])), 1, 64);

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

  /**
   * In memory: its n-th call waits for the n-th latch (none: at once), then gives {@code answer}
   * (by default one vector per text); it records the texts of each call and interrupts inside it.
   */
  private static final class Gated implements Embedder {
    final Function<List<String>, List<float[]>> answer;
    final List<CountDownLatch> gates;
    final List<List<String>> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger interruptedInside = new AtomicInteger();
    final java.util.concurrent.Semaphore started = new java.util.concurrent.Semaphore(0);

    Gated(CountDownLatch... gates) {
      this(t -> t.stream().map(x -> new float[] {1, 0}).toList(), gates);
    }

    Gated(Function<List<String>, List<float[]>> answer, CountDownLatch... gates) {
      this.answer = answer;
      this.gates = List.of(gates);
    }

    @Override
    public String modelId() {
      return "gated";
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
      int n = calls.size();
      calls.add(texts);
      started.release();
      try {
        if (n < gates.size()) {
          gates.get(n).await();
        }
      } catch (InterruptedException e) {
        interruptedInside.incrementAndGet();
        throw new IllegalStateException("interrupted", e);
      }
      return answer.apply(texts);
    }
  }

  /** Runs {@code embed(text)} on a virtual thread; the outcome lands in {@code out}. */
  private static Thread caller(CoalescingEmbedder e, String text, List<Object> out, int slot) {
    return Thread.ofVirtual()
        .start(
            () -> {
              try {
                out.set(slot, e.embed(text));
              } catch (RuntimeException ex) {
                out.set(slot, ex);
              }
            });
  }

  /** Waits until {@code n} callers' texts are queued behind the call in flight. */
  private static void awaitQueued(CoalescingEmbedder e, int n) {
    await(n + " texts queued")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> e.waitingTexts() == n);
  }

  @Test
  void aWaitingCallerInterruptedStopsAtOnceAndItsTextIsNeverSent() throws Exception {
    CountDownLatch blocker = new CountDownLatch(1);
    Gated inner = new Gated(blocker);
    CoalescingEmbedder e = new CoalescingEmbedder(inner, 1, 64);
    List<Object> out = java.util.Arrays.asList(new Object[6]);
    caller(e, "holds the one call open", out, 5);
    inner.started.acquire();
    List<Thread> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiting.add(caller(e, "text " + i, out, i));
    }
    awaitQueued(e, 5);

    waiting.get(2).interrupt();
    waiting.get(2).join(5_000);

    assertThat(out.get(2)).isInstanceOf(java.util.concurrent.CancellationException.class);
    blocker.countDown();
    for (Thread t : waiting) {
      t.join(10_000);
    }
    for (int i : List.of(0, 1, 3, 4)) {
      assertThat(out.get(i)).isInstanceOf(float[].class);
    }
    assertThat(inner.calls.stream().flatMap(List::stream)).doesNotContain("text 2");
  }

  @Test
  void interruptingTheCallerWhoSendsABatchNeverFailsTheTextsInIt() throws Exception {
    CountDownLatch blocker = new CountDownLatch(1);
    CountDownLatch batchHeld = new CountDownLatch(1);
    Gated inner = new Gated(blocker, batchHeld);
    CoalescingEmbedder e = new CoalescingEmbedder(inner, 1, 64);
    List<Object> out = java.util.Arrays.asList(new Object[6]);
    caller(e, "holds the one call open", out, 5);
    inner.started.acquire();
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      callers.add(caller(e, "text " + i, out, i));
    }
    awaitQueued(e, 5);
    blocker.countDown();
    inner.started.acquire(); // the batch of five is out, and held

    callers.forEach(Thread::interrupt); // whichever of them is sending the batch among them
    // The four who are not sending stop waiting while the batch is still held; the sender stays.
    await("four interrupted callers gone")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> callers.stream().filter(Thread::isAlive).count() <= 1);
    batchHeld.countDown();
    for (Thread t : callers) {
      t.join(10_000);
    }

    assertThat(inner.calls.get(1)).hasSize(5);
    assertThat(inner.interruptedInside.get()).isZero();
    // The sender gets its vector when the call returns; the others stopped waiting.
    assertThat(out.subList(0, 5).stream().filter(o -> o instanceof float[])).hasSize(1);
    assertThat(out.subList(0, 5).stream().filter(o -> o instanceof RuntimeException))
        .hasSize(4)
        .allMatch(o -> o instanceof java.util.concurrent.CancellationException);
  }
}
