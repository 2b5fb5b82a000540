package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.persistence.Database;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Nyx replicas on one PostgreSQL: what one stores or deletes reaches the other's vector index
 * through LISTEN/NOTIFY; a restarted replica comes back from its snapshot plus the rows it missed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryReplicasTest {
  /** Generous for a loaded CI machine; the notification itself arrives in milliseconds. */
  static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir static Path dirA;
  @TempDir static Path dirB;
  FakeVllm vllm;
  String database;
  Nyx a;
  Nyx b;

  @BeforeAll
  void start() {
    vllm = FakeVllm.start("Qwen/Qwen2.5-7B-Instruct", List.of("mnemosyne"));
    database = TestDatabase.createEmpty();
    a = replica(dirA);
    b = replica(dirB);
  }

  private Nyx replica(Path dir) {
    Database db = TestDatabase.asOwner(database);
    return Nyx.start(NyxFixture.config(vllm.baseUrl(), dir, null), db);
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
    vllm.close();
  }

  @Test
  void writesAndDeletesOnOneReplicaReachTheOther() {
    HttpTestClient httpA = client(a);
    HttpTestClient httpB = client(b);
    long id =
        httpA
            .post("/memory", "{\"text\":\"The boat is moored at pier seven in Bergen.\"}")
            .json()
            .get("id")
            .asLong();
    searchUntil(
        httpB, "where is the boat moored", "the memory found on b", ids -> ids.contains(id));

    assertThat(httpB.delete("/memory/" + id).status()).isEqualTo(200);
    searchUntil(
        httpA, "where is the boat moored", "the memory gone on a", ids -> !ids.contains(id));
  }

  @Test
  void aRestartedReplicaRestoresItsSnapshotAndCatchesUp() {
    HttpTestClient httpA = client(a);
    long kept = add(httpA, "The violin lesson is on Thursdays at five.");
    long dropped = add(httpA, "The old wifi password was on the fridge.");
    a.close(); // saves a's snapshot
    long missed = add(client(b), "The new wifi password is taped under the router.");
    client(b).delete("/memory/" + dropped);
    a = replica(dirA);
    List<Long> ids = search(client(a), "wifi password violin lesson", 20);
    assertThat(ids).contains(kept, missed).doesNotContain(dropped);
  }

  private static long add(HttpTestClient http, String text) {
    return http.post("/memory", "{\"text\":\"" + text + "\"}").json().get("id").asLong();
  }

  private static HttpTestClient client(Nyx nyx) {
    return new HttpTestClient("http://127.0.0.1:" + nyx.port());
  }

  /** Searches until the top five ids satisfy {@code done}: the replica's listener caught up. */
  private static void searchUntil(
      HttpTestClient http, String q, String what, Predicate<List<Long>> done) {
    await(what)
        .atMost(DEADLINE)
        // not a spin: on 2 cores it would compete with the listener it waits for
        .pollInterval(Duration.ofMillis(25))
        .until(() -> search(http, q, 5), done);
  }

  private static List<Long> search(HttpTestClient http, String q, int k) {
    JsonNode data =
        http.get("/memory/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&k=" + k)
            .json()
            .get("data");
    List<Long> ids = new ArrayList<>();
    data.forEach(n -> ids.add(n.get("id").asLong()));
    return ids;
  }
}
