package io.nyx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands while {@code nyx serve} runs on the same data dir with its embedded
 * PostgreSQL, as a newcomer runs them: no flags (the data dir is the default under {@code HOME}).
 * Each finds the running server's database and works in it; the server keeps serving throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandsBesideServerTest {
  @TempDir static Path home;
  Map<String, String> env;
  FakeVllm vllm;
  Nyx server;
  HttpTestClient http;

  @BeforeAll
  void serve() {
    env = Map.of("HOME", home.toString());
    vllm = FakeVllm.start("base", NyxFixture.ADAPTERS);
    server = Nyx.start(ConfigLoader.load(Map.of("port", "0", "llm-url", vllm.baseUrl()), env));
    assertThat(server.database().isEmbedded()).isTrue();
    http = new HttpTestClient("http://127.0.0.1:" + server.port());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    vllm.close();
  }

  private CliRun nyx(String... args) {
    CliRun r = CliRun.of(env, args);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .contains(
            "nyx "
                + args[0]
                + ": using the database of the Nyx server running on "
                + home.resolve(".nyx"));
    return r;
  }

  @Test
  @Order(1)
  void memoryAndFactsImportReachTheRunningServer() throws IOException {
    Path notes = home.resolve("notes.md");
    Files.writeString(notes, "My sister Ada married Tom on the ninth of June, by the lake.\n");
    assertThat(nyx("memory", "import", notes.toString()).out())
        .contains("1 chunks, 1 stored, 0 already present");
    // the server's index learns of the new row through LISTEN/NOTIFY
    waitFor(() -> http.get("/memory/search?q=when+did+ada+marry").body().contains("Tom"));

    Path facts = home.resolve("facts.jsonl");
    Files.writeString(
        facts, "{\"statement\":\"The Nile is 6650 km long.\",\"source\":\"atlas\"}\n");
    assertThat(nyx("facts", "import", facts.toString()).out())
        .contains("1 facts, 1 stored, 0 already present");
  }

  @Test
  @Order(2)
  void exportAndRewardsReadWhatTheServerWrote() {
    Reply answered = http.post("/infer", "{\"query\":\"How long is the Nile?\"}");
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    CliRun export = nyx("export", "sft", "--min-reward", "-1");
    assertThat(export.out()).contains(answered.json().get("id").asText());
    assertThat(nyx("rewards", "recompute", "--since", "1d", "--dry-run").out())
        .contains(": 1 rows, 0 changed");
  }

  @Test
  @Order(3)
  void aKeyCreatedBesideTheServerTakesEffectThere() {
    assertThat(nyx("keys", "list").err()).contains("no API keys");
    CliRun created = nyx("keys", "create", "--name", "app", "--scopes", "infer");
    String secret =
        created.out().lines().filter(l -> l.startsWith("secret")).findFirst().orElseThrow();
    secret = secret.substring(secret.indexOf("nyx_"));
    assertThat(nyx("keys", "list").out()).contains("app").contains("scopes=infer");
    waitFor(() -> http.get("/traits").status() == 401); // the server reloads keys every 5 s
    assertThat(http.getWithKey("/traits", secret).status()).isEqualTo(200);
    assertThat(http.get("/ready").status()).as("the server's database is still up").isEqualTo(200);
  }

  @Test
  @Order(4)
  void withTheServerStoppedTheCommandStartsTheDatabaseItself() {
    server.close();
    server = null;
    CliRun r = CliRun.of(env, "keys", "list");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("using the database of");
    assertThat(r.out()).contains("app");
  }

  private static void waitFor(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 20 s").isLessThan(deadline);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
