package io.nyx.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;

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

  @Test
  void aServerIsPolledOnceAskedAndAnUnreachableOneStaysUnknown() throws InterruptedException {
    try (FakeVllm fake = FakeVllm.start();
        VllmQueues queues = new VllmQueues(Duration.ofMillis(20))) {
      fake.waiting(42);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (queues.waiting(fake.baseUrl()) != 42 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(queues.waiting(fake.baseUrl())).isEqualTo(42);
      assertThat(queues.waiting("http://127.0.0.1:1/v1")).isEqualTo(-1);
    }
  }
}
