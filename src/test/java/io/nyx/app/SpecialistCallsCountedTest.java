package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatRequest;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import io.nyx.resilience.Backpressure;
import io.nyx.specialist.Specialists;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.RecordingQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls to a specialist's own server ({@code backend_url}) and to the shared one are both counted
 * for the estimate of that server's queue: {@link Nyx#specialists}, which the server builds its
 * specialists with, wraps every client (one built bare would pass every other test).
 */
class SpecialistCallsCountedTest {
  @TempDir Path dir;

  @Test
  void callsToEachServerAreToldToTheLoadShedding() throws Exception {
    RecordingQueues queues = new RecordingQueues();
    try (FakeVllm shared = FakeVllm.start("base", List.of("moira"));
        FakeVllm own = FakeVllm.start("base", List.of("kairos"))) {
      Path yaml = dir.resolve("nyx.yaml");
      Files.writeString(
          yaml,
          """
          specialists:
            - name: kairos
              description: "Time, deadlines and planning"
              exemplars: ["plan my afternoon"]
              backend_url: %s
            - name: moira
              description: "Scenarios and consequences"
              exemplars: ["what could happen if I quit my job"]
          """
              .formatted(own.baseUrl()));
      NyxConfig config =
          ConfigLoader.load(
              Map.of(
                  "llm-url", shared.baseUrl(),
                  "data-dir", dir.resolve("data").toString(),
                  "config", yaml.toString()),
              Map.of());
      Specialists specialists = Nyx.specialists(config, new Backpressure(10, queues));

      specialists.backendFor("kairos").complete(hi("kairos"));
      specialists.backendFor("moira").complete(hi("moira"));

      assertThat(queues.events())
          .containsExactly(
              "sent " + own.baseUrl(),
              "back " + own.baseUrl(),
              "sent " + shared.baseUrl(),
              "back " + shared.baseUrl());
    }
  }

  private static ChatRequest hi(String model) {
    return new ChatRequest(
        model, List.of(ChatMessage.user("hi")), 0.2, 0.9, 8, false, 0, null, null);
  }
}
