package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.config.ConfigLoader;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcKeyStore;
import io.nyx.security.ApiKey;
import io.nyx.security.KeySecrets;
import io.nyx.security.Scope;
import io.nyx.testing.AdapterDirs;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TcpProxy;
import io.nyx.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real browser: {@code src/test/console/console.mjs} drives Debian's Chromium
 * headless with Playwright against a running Nyx and the fake vLLM, as a person would, and takes a
 * screenshot of every view (into {@code target/console-screenshots}, or {@code docs/console} with
 * {@code -Dnyx.docs.write=true}). The script talks, rates, corrects, reviews, promotes a canary,
 * searches the decisions, keeps memories and reads the health; it asks this test on stdout to take
 * the model server down and up again ({@code @@control ...}, answered on its stdin).
 *
 * <p>Node, Chromium ({@code apt-get install chromium}) and the pinned {@code playwright-core}
 * ({@code npm ci} in {@code src/test/console}) come from {@code .ci/run}; without any of them the
 * test is skipped, saying which.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {
  static final Path DIR = Path.of("src", "test", "console");
  static final long TIMEOUT_SECONDS = 150;
  static final ObjectMapper JSON = new ObjectMapper();

  /** The canary the script promotes: moira's version 2 at a fifth of its requests. */
  static final String CANARY = "moira-v2";

  @TempDir static Path dir;
  @Nullable FakeVllm vllm;

  /** Between Nyx and the fake, to take the model server away and bring it back. */
  @Nullable TcpProxy proxy;

  @Nullable Nyx nyx;
  String user = "";
  String admin = "";
  String chromium = "";

  @BeforeAll
  void start() throws Exception {
    Assumptions.assumeTrue(
        NodeSdkTest.nodeVersion() != null, "node is not installed: the console cannot be tested");
    Assumptions.assumeTrue(
        Files.isDirectory(DIR.resolve("node_modules/playwright-core")),
        "playwright-core is not installed: run npm ci in " + DIR + " (.ci/run does)");
    String found = chromium();
    Assumptions.assumeTrue(
        found != null, "Chromium is not installed (apt-get install chromium; .ci/run does)");
    chromium = found;

    vllm =
        FakeVllm.start(FakeVllm.DEFAULT_BASE_MODEL, NyxFixture.ADAPTERS)
            .streamInterval(Duration.ofMillis(10));
    proxy = new TcpProxy(vllm.port());
    Database db = TestDatabase.fresh();
    JdbcKeyStore keys = new JdbcKeyStore(db.dataSource());
    user = key(keys, "console-user", Set.of(Scope.INFER, Scope.FEEDBACK), "home");
    admin = key(keys, "console-admin", Set.of(Scope.ADMIN), "ops");
    Path yaml =
        Files.writeString(
            dir.resolve("nyx.yaml"),
            """
            adapters:
              check_interval_ms: 200
              refresh_interval_ms: 200
            """);
    nyx =
        Nyx.start(
            ConfigLoader.load(
                Map.of(
                    "port",
                    "0",
                    "llm-url",
                    "http://127.0.0.1:" + proxy.port() + "/v1",
                    "data-dir",
                    dir.resolve("data").toString(),
                    "config",
                    yaml.toString()),
                Map.of()),
            db);
    String path =
        AdapterDirs.saved(dir.resolve("moira-2"), FakeVllm.DEFAULT_BASE_MODEL, 8, "").toString();
    call("POST", "/adapters", "{\"specialist\":\"moira\",\"version\":2,\"path\":\"" + path + "\"}");
    call("POST", "/adapters/" + CANARY + "/canary", "{\"share\":0.2}");
  }

  @AfterAll
  void stop() throws IOException {
    if (nyx != null) {
      nyx.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (vllm != null) {
      vllm.close();
    }
  }

  @Test
  void aPersonTalksRatesCorrectsReviewsPromotesAndFindsTheDecision() throws Exception {
    Path shots =
        Boolean.getBoolean("nyx.docs.write")
            ? Path.of("docs", "console")
            : Path.of("target", "console-screenshots");
    Files.createDirectories(shots);
    ProcessBuilder pb =
        new ProcessBuilder("node", "console.mjs").directory(DIR.toFile()).redirectErrorStream(true);
    pb.environment()
        .putAll(
            Map.of(
                "NYX_URL", "http://127.0.0.1:" + running().port(),
                "NYX_USER_KEY", user,
                "NYX_ADMIN_KEY", admin,
                "NYX_CANARY", CANARY,
                "NYX_SHOTS", shots.toAbsolutePath().toString(),
                "CHROMIUM", chromium));
    Process node = pb.start();
    StringBuilder out = new StringBuilder();
    Thread reader = Thread.ofVirtual().start(() -> converse(node, out));
    boolean exited = node.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      node.destroyForcibly();
    }
    reader.join(Duration.ofSeconds(10));
    String log;
    synchronized (out) {
      log = out.toString();
    }
    assertThat(exited)
        .as("node console.mjs finished within %d s:%n%s", TIMEOUT_SECONDS, log)
        .isTrue();
    assertThat(node.exitValue()).as("node console.mjs:%n%s", log).isZero();

    // What the clicks did, as the API sees it.
    JsonNode adapters = JSON.readTree(call("GET", "/adapters", null));
    JsonNode promoted = null;
    for (JsonNode a : adapters.path("adapters")) {
      if (a.path("name").asText().equals(CANARY)) {
        promoted = a;
      }
    }
    assertThat(promoted).isNotNull();
    assertThat(promoted.path("state").asText()).isEqualTo("active");
    assertThat(promoted.path("actor").asText()).isEqualTo("console-admin");
    JsonNode pending = JSON.readTree(call("GET", "/review", null)).path("items");
    assertThat(pending).as("the question's review approved, the answer's left").hasSize(1);
    assertThat(pending.get(0).path("stage").asText()).isEqualTo("output");
    for (String view : List.of("chat", "review", "traits", "decisions", "adapters", "memory")) {
      assertThat(shots.resolve(view + ".png")).isNotEmptyFile();
    }
    assertThat(shots.resolve("health.png")).isNotEmptyFile();
  }

  /** Copies the script's output and answers its control lines until it ends. */
  private void converse(Process node, StringBuilder out) {
    try (BufferedReader lines =
            new BufferedReader(
                new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        OutputStream stdin = node.getOutputStream()) {
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (out) {
          out.append(line).append('\n');
        }
        if (line.startsWith("@@control ")) {
          control(line.substring("@@control ".length()).strip());
          stdin.write("ok\n".getBytes(StandardCharsets.UTF_8));
          stdin.flush();
        }
      }
    } catch (IOException e) {
      synchronized (out) {
        out.append("reading the script's output failed: ").append(e).append('\n');
      }
    }
  }

  private void control(String command) {
    TcpProxy modelServer = java.util.Objects.requireNonNull(proxy);
    switch (command) {
      case "model-server-down" -> modelServer.down();
      case "model-server-up" -> modelServer.up();
      default -> throw new IllegalArgumentException("unknown control " + command);
    }
  }

  private Nyx running() {
    return java.util.Objects.requireNonNull(nyx);
  }

  /** An admin call; fails the test unless it answers 2xx. */
  private String call(String method, String path, @Nullable String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running().port() + path))
            .header("Authorization", "Bearer " + admin);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isBetween(200, 299);
      return r.body();
    }
  }

  private static String key(JdbcKeyStore keys, String name, Set<Scope> scopes, String tenant) {
    String secret = new KeySecrets().newSecret();
    keys.create(new ApiKey(name, KeySecrets.sha256(secret), scopes, 1000, 1000, 16, tenant));
    return secret;
  }

  /**
   * The browser: the executable CHROMIUM names, else Debian's {@code chromium} (or another build's
   * name) on the PATH; null when there is none.
   */
  static @Nullable String chromium() {
    String named = System.getenv("CHROMIUM");
    if (named != null) {
      return Files.isExecutable(Path.of(named)) ? named : null;
    }
    String path = System.getenv("PATH");
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String folder : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
        if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, name))) {
          return Path.of(folder, name).toString();
        }
      }
    }
    return null;
  }
}
