package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.cli.CliRun;
import io.nyx.testing.AdapterDirs;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.NyxFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapter versions end to end: a running Nyx on real PostgreSQL in front of the fake vLLM, whose
 * per-adapter logprobs make one version's answers better or worse (the reward follows the
 * confidence). Each test works on its own specialist, so they share one server. The settings make
 * decisions quick: 10 answers per side, a canary share of 0.5, checks every 200 ms.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdapterLifecycleTest {
  /** Rewards: about 0.90 at this logprob per token, about −0.55 at the bad one. */
  static final double GOOD = -0.05;

  static final double BAD = -1.5;

  static final String SETTINGS =
      """
      adapters:
        canary_share: 0.5
        canary_min_samples: 10
        canary_max_samples: 400
        repair_window: 10
        repair_min_history: 20
        check_interval_ms: 200
        refresh_interval_ms: 200
      """;

  @TempDir static Path dir;
  NyxFixture nyx;
  HttpTestClient http;
  FakeVllm vllm;

  @BeforeAll
  void start() throws IOException {
    Path config = Files.writeString(dir.resolve("nyx.yaml"), SETTINGS);
    nyx = NyxFixture.start(dir.resolve("data"), Map.of("config", config.toString()));
    http = nyx.http();
    vllm = nyx.vllm();
  }

  @AfterAll
  void stop() {
    nyx.close();
  }

  /** A saved adapter directory for {@code name}, trained on the fake's base model. */
  static String adapterDir(String name, int rank) throws IOException {
    return AdapterDirs.saved(dir.resolve(name), FakeVllm.DEFAULT_BASE_MODEL, rank, "").toString();
  }

  static JsonNode infer(HttpTestClient http, String specialist, String query) {
    HttpTestClient.Reply r =
        http.post("/infer", "{\"query\":\"" + query + "\",\"specialist\":\"" + specialist + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  static JsonNode adapter(HttpTestClient http, String name) {
    for (JsonNode a : http.get("/adapters").json().path("adapters")) {
      if (a.path("name").asText().equals(name)) {
        return a;
      }
    }
    throw new AssertionError("no adapter " + name + " in " + http.get("/adapters").body());
  }

  static String state(HttpTestClient http, String name) {
    return adapter(http, name).path("state").asText();
  }

  static HttpTestClient.Reply post(HttpTestClient http, String path, String body) {
    return http.post(path, body);
  }

  /** Asks {@code specialist} a few questions per poll until {@code name} reaches {@code state}. */
  static void serveUntil(HttpTestClient http, String specialist, String name, String state) {
    int[] asked = {0};
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              for (int i = 0; i < 4; i++) {
                infer(http, specialist, "question number " + asked[0]++);
              }
              return state(http, name).equals(state);
            });
    routingFollows(http, specialist);
  }

  /**
   * Waits until this replica's routing table holds the registry's line-up for {@code specialist}:
   * the registry changes first, the table at the refresh right after, and the line-up gauges with
   * the table.
   */
  static void routingFollows(HttpTestClient http, String specialist) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              int active = 0;
              double share = 0;
              for (JsonNode a : http.get("/adapters").json().path("adapters")) {
                if (a.path("specialist").asText().equals(specialist)) {
                  switch (a.path("state").asText()) {
                    case "active" -> active = a.path("version").asInt();
                    case "canary" -> share = a.path("share").asDouble();
                    default -> {}
                  }
                }
              }
              String label = "{specialist=\"" + specialist + "\"} ";
              assertThat(http.get("/metrics").body())
                  .contains("nyx_adapter_active_version" + label + (double) active)
                  .contains("nyx_adapter_canary_share" + label + share);
            });
  }

  @Test
  void theShippedAdaptersAreVersionOneAndEveryRowSaysWhichVersionAnswered() {
    List<String> names = new ArrayList<>();
    for (JsonNode a : http.get("/adapters").json().path("adapters")) {
      if (a.path("version").asInt() == 1) {
        names.add(a.path("name").asText());
        assertThat(a.path("actor").asText()).isEqualTo("nyx");
        assertThat(a.path("history").get(0).path("to").asText()).isEqualTo("active");
      }
    }
    assertThat(names).containsAll(NyxFixture.ADAPTERS);
    assertThat(state(http, "aletheia")).isEqualTo("active");
    assertThat(adapter(http, "aletheia").path("path").asText()).isEqualTo("/adapters/aletheia");

    JsonNode answer = infer(http, "aletheia", "is the earth round");
    assertThat(answer.path("adapter").asText()).isEqualTo("aletheia");
    assertThat(
            io.nyx.testing.StoredRows.text(
                nyx.nyx(), answer.path("id").asText(), "adapter_version"))
        .isEqualTo("1");
  }

  @Test
  void registrationChecksTheDirectoryBeforeAnythingIsLoaded() throws IOException {
    int loads = vllm.loadRequests();
    HttpTestClient.Reply tooBig =
        post(
            http,
            "/adapters",
            "{\"specialist\":\"aletheia\",\"version\":2,\"path\":\""
                + adapterDir("aletheia-big", 64)
                + "\"}");
    HttpTestClient.Reply nobody =
        post(http, "/adapters", "{\"specialist\":\"hermes\",\"version\":2,\"path\":\"/x\"}");
    HttpTestClient.Reply fine =
        post(
            http,
            "/adapters",
            "{\"specialist\":\"aletheia\",\"version\":2,\"path\":\""
                + adapterDir("aletheia-2", 8)
                + "\"}");
    HttpTestClient.Reply again =
        post(
            http,
            "/adapters",
            "{\"specialist\":\"aletheia\",\"version\":2,\"path\":\""
                + adapterDir("aletheia-2b", 8)
                + "\"}");

    assertThat(tooBig.status()).isEqualTo(400);
    assertThat(tooBig.json().at("/error/message").asText())
        .contains("rank 64 is above the server's limit 16");
    assertThat(tooBig.json().at("/error/param").asText()).isEqualTo("path");
    assertThat(nobody.status()).isEqualTo(404);
    assertThat(fine.status()).isEqualTo(201);
    assertThat(fine.json().path("name").asText()).isEqualTo("aletheia-v2");
    assertThat(fine.json().path("state").asText()).isEqualTo("candidate");
    assertThat(fine.json().path("rank").asInt()).isEqualTo(8);
    assertThat(again.status()).isEqualTo(409);
    assertThat(vllm.loadRequests()).as("nothing loaded by registering").isEqualTo(loads);
  }

  @Test
  void aCanaryRefusedBecauseRuntimeLoadingIsOffFailsAndSaysWhatToSet() throws IOException {
    post(
        http,
        "/adapters",
        "{\"specialist\":\"eleos\",\"version\":2,\"path\":\"" + adapterDir("eleos-2", 8) + "\"}");
    vllm.runtimeLoraUpdating(false);
    HttpTestClient.Reply refused;
    try {
      refused = post(http, "/adapters/eleos-v2/canary", "{\"share\":0.3}");
    } finally {
      vllm.runtimeLoraUpdating(true);
    }

    assertThat(refused.status()).isEqualTo(502);
    assertThat(refused.json().at("/error/message").asText())
        .contains("VLLM_ALLOW_RUNTIME_LORA_UPDATING=true");
    assertThat(state(http, "eleos-v2")).isEqualTo("failed");
    assertThat(adapter(http, "eleos-v2").path("reason").asText()).contains("failed to load");
    assertThat(infer(http, "eleos", "how do I say no kindly").path("adapter").asText())
        .isEqualTo("eleos");
  }

  @Test
  void aCanaryWhoseAnswersAreWorseIsRolledBackAndUnloaded() throws IOException {
    vllm.logprob("mnemosyne-v2", BAD);
    assertThat(
            post(
                    http,
                    "/adapters",
                    "{\"specialist\":\"mnemosyne\",\"version\":2,\"path\":\""
                        + adapterDir("mnemosyne-2", 8)
                        + "\"}")
                .status())
        .isEqualTo(201);
    HttpTestClient.Reply canary = post(http, "/adapters/mnemosyne-v2/canary", "{}");
    assertThat(canary.status()).as(canary.body()).isEqualTo(200);
    assertThat(canary.json().path("share").asDouble()).isEqualTo(0.5);
    assertThat(vllm.adapters()).contains("mnemosyne-v2");

    serveUntil(http, "mnemosyne", "mnemosyne-v2", "failed");

    JsonNode v2 = adapter(http, "mnemosyne-v2");
    assertThat(v2.path("actor").asText()).isEqualTo("nyx");
    assertThat(v2.path("reason").asText()).startsWith("rolled back: mean reward");
    assertThat(v2.at("/figures/canary_answers").asInt()).isGreaterThanOrEqualTo(10);
    assertThat(v2.at("/figures/difference_upper").asDouble()).isNegative();
    assertThat(v2.path("samples").asInt()).isGreaterThanOrEqualTo(10);
    assertThat(v2.path("reward_mean").asDouble()).isLessThan(0);
    assertThat(vllm.adapters()).doesNotContain("mnemosyne-v2").contains("mnemosyne");
    assertThat(state(http, "mnemosyne")).isEqualTo("active");
    for (int i = 0; i < 10; i++) {
      assertThat(infer(http, "mnemosyne", "after " + i).path("adapter").asText())
          .isEqualTo("mnemosyne");
    }
  }

  /** Registered and put on canary through the CLI, against this running server. */
  @Test
  void aCanaryWhoseAnswersAreBetterIsPromotedAndTheOldVersionStaysLoadedAsStandby()
      throws IOException {
    vllm.logprob("moira", BAD).logprob("moira-v2", GOOD);
    Map<String, String> env = Map.of("NYX_URL", "http://127.0.0.1:" + nyx.nyx().port());
    CliRun registered =
        CliRun.of(
            env,
            "adapters",
            "register",
            "--specialist",
            "moira",
            "--version",
            "2",
            "--path",
            adapterDir("moira-2", 16));
    CliRun canary = CliRun.of(env, "adapters", "canary", "moira-v2", "--reason", "retrained");
    assertThat(registered.code()).as(registered.err()).isZero();
    assertThat(canary.code()).as(canary.err()).isZero();
    assertThat(canary.out()).contains("moira-v2", "canary", "retrained");

    serveUntil(http, "moira", "moira-v2", "active");

    JsonNode v2 = adapter(http, "moira-v2");
    assertThat(v2.path("reason").asText()).startsWith("promoted: mean reward");
    assertThat(v2.at("/figures/difference_lower").asDouble()).isPositive();
    JsonNode v1 = adapter(http, "moira");
    assertThat(v1.path("state").asText()).isEqualTo("retired");
    assertThat(v1.path("reason").asText()).isEqualTo("superseded by moira-v2");
    assertThat(vllm.adapters()).contains("moira", "moira-v2");
    assertThat(infer(http, "moira", "and then?").path("adapter").asText()).isEqualTo("moira-v2");
    CliRun list = CliRun.of(env, "adapters", "list");
    assertThat(list.code()).isZero();
    assertThat(list.out()).containsPattern("moira-v2 +active");
    vllm.logprob("moira", GOOD);
  }

  @Test
  void anActiveAdapterThatStartsFailingIsTakenOutAndThePreviousVersionAnswers() throws IOException {
    post(
        http,
        "/adapters",
        "{\"specialist\":\"kairos\",\"version\":2,\"path\":\"" + adapterDir("kairos-2", 8) + "\"}");
    HttpTestClient.Reply promoted =
        post(http, "/adapters/kairos-v2/promote", "{\"reason\":\"hotfix\"}");
    assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
    assertThat(promoted.json().path("reason").asText()).contains("without a canary", "hotfix");
    for (int i = 0; i < 30; i++) {
      assertThat(infer(http, "kairos", "when is it due " + i).path("adapter").asText())
          .isEqualTo("kairos-v2");
    }
    assertThat(state(http, "kairos-v2")).isEqualTo("active");

    vllm.logprob("kairos-v2", -3.0);
    serveUntil(http, "kairos", "kairos-v2", "failed");

    JsonNode v2 = adapter(http, "kairos-v2");
    assertThat(v2.path("reason").asText()).startsWith("self-repair: mean reward");
    assertThat(v2.at("/figures/history_answers").asInt()).isGreaterThanOrEqualTo(20);
    assertThat(v2.at("/figures/poor_answers").asInt()).isPositive();
    assertThat(state(http, "kairos")).isEqualTo("active");
    assertThat(adapter(http, "kairos").path("reason").asText())
        .startsWith("standing in for kairos-v2");
    JsonNode after = infer(http, "kairos", "and now?");
    assertThat(after.path("adapter").asText()).isEqualTo("kairos");
    assertThat(
            io.nyx.testing.StoredRows.text(nyx.nyx(), after.path("id").asText(), "adapter_version"))
        .isEqualTo("1");
    assertThat(vllm.adapters()).doesNotContain("kairos-v2");
    assertThat(http.get("/metrics").body())
        .contains("nyx_adapter_repairs_total{specialist=\"kairos\",why=\"reward_drop\"} 1.0");

    Path export = Path.of(v2.at("/figures/retraining_export").asText());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(export.resolve("retraining.json")));
    assertThat(export.getParent()).isEqualTo(dir.resolve("data").resolve("retrain"));
    assertThat(export.getFileName().toString()).startsWith("kairos-");
    try (Stream<Path> files = Files.list(export)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .contains(
              "sft.jsonl",
              "sft.manifest.json",
              "preferences.jsonl",
              "kto.jsonl",
              "kto.manifest.json",
              "retraining.json");
    }
    // The 30 good answers are rewordings of one question: near duplicates, kept once or so.
    assertThat(Files.readAllLines(export.resolve("sft.jsonl"))).isNotEmpty();
    assertThat(Files.readString(export.resolve("kto.jsonl"))).contains("\"label\":false");
    assertThat(Files.readString(export.resolve("sft.manifest.json")))
        .contains("\"adapter\" : \"kairos-v2\"", "\"version\" : 2");
    assertThat(Files.readString(export.resolve("retraining.json")))
        .contains("\"failed_adapter\" : \"kairos-v2\"", "poor_answer_ids");
  }

  @Test
  void theCliMapsRefusalsToExitCodes() {
    Map<String, String> env = Map.of("NYX_URL", "http://127.0.0.1:" + nyx.nyx().port());

    CliRun unknown = CliRun.of(env, "adapters", "promote", "hermes-v9");
    CliRun noVerb = CliRun.of(env, "adapters");
    CliRun missing = CliRun.of(env, "adapters", "register", "--specialist", "kairos");

    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("404", "no adapter version is served as 'hermes-v9'");
    assertThat(noVerb.code()).isEqualTo(2);
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("register needs --version");
  }
}
