package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.StoredRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Per-query-cluster learning through the server: row, SQL function and GET /traits/{name}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraitClustersServerTest {
  @TempDir static Path dataDir;
  NyxFixture fx;

  @BeforeAll
  void start() throws IOException {
    Path yaml = dataDir.resolve("nyx.yaml");
    Files.writeString(yaml, "traits:\n  clusters: 8\n");
    fx = NyxFixture.start(dataDir, Map.of("config", yaml.toString()));
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void aRoutedAnswerTeachesItsQueryClusterShownByTheTraitsApi() throws Exception {
    JsonNode a =
        fx.http()
            .post("/infer", "{\"query\":\"What did I tell you about my garden last summer?\"}")
            .json();
    assertThat(a.get("specialist").asText()).isEqualTo("mnemosyne");
    int cluster = new ObjectMapper().readTree(row(fx, a.get("id").asText())).get("cluster").asInt();
    // The row's cluster is the bandit context (k-means cluster and candidate set, hashed).
    assertThat(cluster).isNotNegative();
    // The learner applies the answer's reward in the background, a flush every 100 ms.
    JsonNode clusters =
        await("a cluster of mnemosyne learned")
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> fx.http().get("/traits/mnemosyne").json().get("clusters"), c -> !c.isEmpty());
    JsonNode mine = null;
    for (JsonNode c : clusters) {
      mine = c.get("cluster").asInt() == cluster ? c : mine;
    }
    assertThat(mine).as(clusters.toString()).isNotNull();
    assertThat(mine.at("/posterior/observations_total").asDouble())
        .isGreaterThanOrEqualTo(fx.nyx().config().traits().rewardEvidence());
  }

  @Test
  void aForcedRequestIsNeverReroutedByTheBandit() throws Exception {
    for (int i = 0; i < 3; i++) {
      JsonNode a =
          fx.http()
              .post(
                  "/infer",
                  "{\"query\":\"What did I tell you about my garden?\",\"specialist\":\"kairos\"}")
              .json();
      assertThat(a.get("specialist").asText()).isEqualTo("kairos");
    }
  }

  private static String row(NyxFixture fx, String id) {
    return StoredRows.text(fx.nyx(), id, "route");
  }
}
