package io.nyx.backend.openai;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.resilience.Sleeper;
import io.nyx.testing.FakeVllm;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reading vLLM's queue from its Prometheus text, and polling a (fake) server for it. */
class VllmQueuesTest {

  @Test
  void theWaitingGaugeIsSummedOverEnginesAndLabelsDoNotMatter() {
    String text =
        """
        # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
        # TYPE vllm:num_requests_waiting gauge
        vllm:num_requests_running{engine="0",model_name="m"} 7.0
        vllm:num_requests_waiting{engine="0",model_name="m"} 12.0
        vllm:num_requests_waiting{engine="1",model_name="m"} 3.0
        vllm:num_requests_waiting_total 99
        """;
    assertThat(VllmQueues.parse(text)).isEqualTo(15);
    assertThat(VllmQueues.parse("vllm:num_requests_waiting 4\n")).isEqualTo(4);
    assertThat(VllmQueues.parse("vllm:num_requests_running 4\n")).isEqualTo(-1);
    assertThat(VllmQueues.parse("")).isEqualTo(-1);
  }

  @Test
  void metricsLiveBesideV1() {
    assertThat(VllmQueues.root("http://h:8000/v1")).isEqualTo("http://h:8000");
    assertThat(VllmQueues.root("http://h:8000/v1/")).isEqualTo("http://h:8000");
    assertThat(VllmQueues.root("http://h:8000")).isEqualTo("http://h:8000");
  }

  /**
   * The reads are stepped by the test (no wall time): after the server stops answering, its last
   * value holds for {@link VllmQueues#GRACE} failed reads, so an overloaded server's slow {@code
   * /metrics} does not switch shedding off; the next failed read makes it unknown.
   */
  @Test
  void aServerIsPolledOnceAskedAndItsLastValueOutlivesAFewFailedReads()
      throws InterruptedException {
    SteppedSleeper steps = new SteppedSleeper();
    try (VllmQueues queues = new VllmQueues(Duration.ofMillis(200), steps)) {
      String url;
      try (FakeVllm fake = FakeVllm.start()) {
        url = fake.baseUrl();
        fake.waiting(42);
        queues.waiting(url); // asked: its poller starts and reads once
        steps.awaitRead();
        assertThat(queues.waiting(url)).isEqualTo(42);
      }
      for (int miss = 1; miss <= VllmQueues.GRACE; miss++) {
        steps.next();
        assertThat(queues.waiting(url)).as("after failed read " + miss).isEqualTo(42);
      }
      steps.next();
      assertThat(queues.waiting(url)).as("after the grace").isEqualTo(-1);
      assertThat(queues.waiting("http://127.0.0.1:1/v1")).as("never read").isEqualTo(-1);
    }
  }

  /**
   * A sleeper the test steps: the poller's wait returns only when the test says {@link #next},
   * which then waits until the poller has made its next read and is waiting again.
   */
  private static final class SteppedSleeper implements Sleeper {
    private final java.util.concurrent.Semaphore go = new java.util.concurrent.Semaphore(0);
    private final java.util.concurrent.Semaphore waiting = new java.util.concurrent.Semaphore(0);

    @Override
    public void sleep(Duration d) throws InterruptedException {
      waiting.release();
      go.acquire();
    }

    void awaitRead() throws InterruptedException {
      assertThat(waiting.tryAcquire(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    void next() throws InterruptedException {
      go.release();
      awaitRead();
    }
  }

  /**
   * Between two reads, calls sent to a server that was queueing join its queue and calls that come
   * back free a slot; a server with an empty queue is not extrapolated (its calls start at once).
   */
  @Test
  void callsSentSinceAReadThatShowedAQueueAreAddedToIt() {
    // One read at the start, the next an hour later: what follows happens between two reads.
    try (VllmQueues queues = new VllmQueues(Duration.ofHours(1));
        FakeVllm busy = FakeVllm.start();
        FakeVllm idle = FakeVllm.start()) {
      busy.waiting(5);
      String url = busy.baseUrl();
      awaitFirstRead("the busy server's queue", () -> queues.waiting(url) == 5);
      for (int i = 0; i < 3; i++) {
        queues.sent(url);
      }
      assertThat(queues.waiting(url)).isEqualTo(8);
      queues.answered(url);
      queues.answered(url);
      assertThat(queues.waiting(url)).isEqualTo(6);
      for (int i = 0; i < 10; i++) {
        queues.answered(url);
      }
      assertThat(queues.waiting(url)).as("never below zero").isZero();

      String calm = idle.baseUrl();
      awaitFirstRead("the idle server's queue", () -> queues.waiting(calm) == 0);
      for (int i = 0; i < 3; i++) {
        queues.sent(calm);
      }
      assertThat(queues.waiting(calm)).isZero();
    }
  }

  /** Waits for the poller's first read of a server, made on its own thread once asked. */
  private static void awaitFirstRead(String what, java.util.concurrent.Callable<Boolean> done) {
    await(what + " read")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(done);
  }
}
