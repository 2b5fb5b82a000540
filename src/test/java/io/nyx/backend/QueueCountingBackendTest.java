package io.nyx.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.backend.openai.OpenAiChatBackend;
import io.nyx.resilience.Backpressure;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.RecordingQueues;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every chat call through the decorator is told to the load shedding once when it leaves and once
 * when it is back, answered or failed, streamed or not; listing models is not a chat call.
 */
class QueueCountingBackendTest {

  @Test
  void eachChatCallIsCountedOutAndBackWhateverItsFate() throws BackendException {
    RecordingQueues queues = new RecordingQueues();
    try (FakeVllm fake = FakeVllm.start()) {
      ChatBackend backend =
          new QueueCountingBackend(
              new OpenAiChatBackend(
                  new BackendSettings(
                      fake.baseUrl(), Duration.ofSeconds(2), Duration.ofSeconds(10), null)),
              new Backpressure(10, queues));
      ChatRequest request =
          new ChatRequest("", List.of(ChatMessage.user("hi")), 0.2, 0.9, 16, true, 0, null, null);
      backend.complete(request);
      backend.stream(request, delta -> {});
      backend.models();
      fake.failNext(500, "InternalServerError", "boom");
      assertThatThrownBy(() -> backend.complete(request)).isInstanceOf(BackendException.class);
      String url = fake.baseUrl();
      assertThat(queues.events())
          .containsExactly(
              "sent " + url,
              "back " + url,
              "sent " + url,
              "back " + url,
              "sent " + url,
              "back " + url);
    }
  }
}
