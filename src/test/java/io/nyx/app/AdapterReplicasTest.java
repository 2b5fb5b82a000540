package io.nyx.app;

import static io.nyx.app.AdapterLifecycleTest.BAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.config.ConfigLoader;
import io.nyx.testing.AdapterDirs;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Nyx replicas on one PostgreSQL and one vLLM: a canary registered through one is served by
 * both, one of them decides, the decision is recorded once, and both route by it within seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdapterReplicasTest {
  @TempDir static Path dir;
  FakeVllm vllm;
  String database;
  Nyx a;
  Nyx b;

  @BeforeAll
  void start() throws IOException {
    vllm = FakeVllm.start(FakeVllm.DEFAULT_BASE_MODEL, NyxFixture.ADAPTERS);
    database = TestDatabase.createEmpty();
    Path config = Files.writeString(dir.resolve("nyx.yaml"), AdapterLifecycleTest.SETTINGS);
    a = replica(dir.resolve("a"), config);
    b = replica(dir.resolve("b"), config);
  }

  private Nyx replica(Path data, Path config) {
    return Nyx.start(
        ConfigLoader.load(
            Map.of(
                "port", "0",
                "llm-url", vllm.baseUrl(),
                "data-dir", data.toString(),
                "config", config.toString()),
            Map.of()),
        TestDatabase.asOwner(database));
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
    vllm.close();
  }

  private static HttpTestClient client(Nyx nyx) {
    return new HttpTestClient("http://127.0.0.1:" + nyx.port());
  }

  @Test
  void bothReplicasServeTheCanaryAndAgreeOnItsRollback() throws Exception {
    HttpTestClient httpA = client(a);
    HttpTestClient httpB = client(b);
    vllm.logprob("moira-v2", BAD);
    String path =
        AdapterDirs.saved(dir.resolve("moira-2"), FakeVllm.DEFAULT_BASE_MODEL, 8, "").toString();
    assertThat(
            httpB
                .post(
                    "/adapters",
                    "{\"specialist\":\"moira\",\"version\":2,\"path\":\"" + path + "\"}")
                .status())
        .isEqualTo(201);
    assertThat(httpB.post("/adapters/moira-v2/canary", "{}").status()).isEqualTo(200);

    // A follows B's canary within its refresh interval: some of its answers come from moira-v2.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                AdapterLifecycleTest.infer(httpA, "moira", "where will this lead")
                    .path("adapter")
                    .asText()
                    .equals("moira-v2"));

    int[] asked = {0};
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              HttpTestClient either = asked[0]++ % 2 == 0 ? httpA : httpB;
              for (int i = 0; i < 4; i++) {
                AdapterLifecycleTest.infer(either, "moira", "what then " + asked[0] + " " + i);
              }
              return AdapterLifecycleTest.state(either, "moira-v2").equals("failed");
            });

    for (HttpTestClient http : new HttpTestClient[] {httpA, httpB}) {
      JsonNode v2 = AdapterLifecycleTest.adapter(http, "moira-v2");
      assertThat(v2.path("state").asText()).isEqualTo("failed");
      assertThat(v2.path("actor").asText()).isEqualTo("nyx");
      assertThat(AdapterLifecycleTest.state(http, "moira")).isEqualTo("active");
    }
    assertThat(transitions("moira", 2))
        .as("decided once")
        .containsExactly("candidate", "canary", "failed");
    // Both route by the decision within their refresh interval: no answer from moira-v2 any more.
    for (HttpTestClient http : new HttpTestClient[] {httpA, httpB}) {
      await().atMost(Duration.ofSeconds(30)).until(() -> noneFrom(http, "moira-v2", 20));
    }
    assertThat(vllm.adapters()).doesNotContain("moira-v2");
  }

  private static boolean noneFrom(HttpTestClient http, String adapter, int asks) {
    for (int i = 0; i < asks; i++) {
      if (AdapterLifecycleTest.infer(http, "moira", "again " + i)
          .path("adapter")
          .asText()
          .equals(adapter)) {
        return false;
      }
    }
    return true;
  }

  private java.util.List<String> transitions(String specialist, int version) throws SQLException {
    try (Connection c = TestDatabase.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT to_state FROM nyx_adapter_events WHERE specialist = ? AND version = ?"
                    + " ORDER BY id")) {
      s.setString(1, specialist);
      s.setInt(2, version);
      try (ResultSet rs = s.executeQuery()) {
        java.util.List<String> out = new java.util.ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    }
  }
}
