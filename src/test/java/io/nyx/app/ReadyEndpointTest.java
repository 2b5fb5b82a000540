package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ready} is unauthenticated: it names no database URL, and a burst of calls does not become
 * a burst of probes against PostgreSQL and the model server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadyEndpointTest {
  @TempDir static Path dataDir;
  NyxFixture fixture;

  @BeforeAll
  void start() {
    fixture = NyxFixture.start(dataDir);
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  @Test
  void readyDoesNotPrintTheDatabaseUrl() {
    Reply r = fixture.http().get("/ready");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String url = fixture.nyx().database().jdbcUrl();
    assertThat(r.body()).doesNotContain(url).doesNotContain("jdbc:").doesNotContain("postgresql:");
    assertThat(r.json().at("/checks/database/detail").asText())
        .matches("PostgreSQL \\((embedded|external)\\) answers");
    assertThat(r.json().at("/checks/spools/detail").asText())
        .isEqualTo("spools flow, no dead letters");
  }

  /**
   * 1,000 calls in a burst from 50 clients: each probe asks the database and the model server once,
   * and probes run at most about once a second, so the model server sees a handful of {@code
   * /v1/models} requests, not 1,000.
   */
  @Test
  void aBurstOfReadyCallsProbesTheDependenciesABoundedNumberOfTimes() throws Exception {
    // Another test may have left a cached 503 from a slow model server: wait for a fresh answer.
    await("/ready answering 200")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> fixture.http().get("/ready").status() == 200);
    int before = fixture.vllm().modelsRequests();
    long start = System.nanoTime();
    List<Future<Integer>> calls = new ArrayList<>();
    try (ExecutorService clients = Executors.newFixedThreadPool(50)) {
      for (int i = 0; i < 1_000; i++) {
        calls.add(clients.submit(() -> fixture.http().get("/ready").status()));
      }
      for (Future<Integer> f : calls) {
        assertThat(f.get()).isEqualTo(200);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int probes = fixture.vllm().modelsRequests() - before;
    assertThat(probes)
        .as("probes in %.1f s", seconds)
        .isLessThanOrEqualTo(2 + (int) Math.ceil(seconds));
  }

  /**
   * A model server that does not answer costs {@code /ready} its probe limit (2 s), no more. Calls
   * within a second of the last probe get its cached answer (200, at once); the first call after
   * that probes the hanging server, and is the one timed.
   */
  @Test
  void aHangingModelServerIsReportedDownWithinTheProbeLimit() {
    fixture.vllm().delay(Duration.ofSeconds(8));
    try {
      Timed fresh =
          await("/ready probing the hanging model server")
              .atMost(Duration.ofSeconds(10))
              .pollInterval(Duration.ofMillis(50))
              .until(this::timedReady, t -> t.reply().status() != 200);
      Reply r = fresh.reply();
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.json().at("/checks/model_backend/detail").asText())
          .isEqualTo("the model server did not answer within 2000 ms");
      assertThat(r.json().at("/checks/database/ok").asBoolean()).isTrue();
      assertThat(fresh.seconds()).isLessThan(4);
    } finally {
      fixture.vllm().delay(Duration.ZERO);
    }
  }

  private record Timed(Reply reply, double seconds) {}

  private Timed timedReady() {
    long start = System.nanoTime();
    Reply r = fixture.http().get("/ready");
    return new Timed(r, (System.nanoTime() - start) / 1e9);
  }
}
