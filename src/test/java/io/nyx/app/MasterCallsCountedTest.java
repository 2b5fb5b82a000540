package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.resilience.Backpressure;
import io.nyx.routing.PolicyRouter;
import io.nyx.routing.RouteDecision;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.RecordingQueues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master model's routing calls go through the same counting as generations, so the estimate of
 * its server's queue between two reads includes them (the wiring, not the decorator, is what this
 * checks: a master built on a bare client would pass every other test).
 */
class MasterCallsCountedTest {
  @TempDir Path dir;

  @Test
  void eachMasterCallIsToldToTheLoadShedding() throws IOException {
    RecordingQueues queues = new RecordingQueues();
    try (FakeVllm fake = FakeVllm.start();
        MiniLmEmbedder embedder = new MiniLmEmbedder()) {
      fake.replyStructured(req -> "{\"specialist\":\"kairos\",\"confidence\":0.9}");
      Path yaml = dir.resolve("nyx.yaml");
      Files.writeString(yaml, "routing:\n  mode: master\n");
      NyxConfig config =
          ConfigLoader.load(
              Map.of(
                  "llm-url", fake.baseUrl(),
                  "data-dir", dir.resolve("data").toString(),
                  "config", yaml.toString()),
              Map.of());
      PolicyRouter router = Nyx.router(config, embedder, new Backpressure(10, queues));
      RouteDecision decision = router.route("plan my afternoon around two deadlines", Map.of());

      assertThat(decision.master().asked()).isTrue();
      assertThat(queues.events())
          .containsExactly("sent " + fake.baseUrl(), "back " + fake.baseUrl());
    }
  }
}
