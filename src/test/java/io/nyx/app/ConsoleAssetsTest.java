package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.config.ConfigLoader;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcKeyStore;
import io.nyx.security.ApiKey;
import io.nyx.security.KeySecrets;
import io.nyx.security.Scope;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.RawHttp;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The web console's files over HTTP, on a server with keys: served without one (they hold no data)
 * with a strict Content-Security-Policy, every file the page loads is there, nothing else is served
 * from the folder, and the data calls keep their keys. The browser test ({@link
 * ConsoleBrowserTest}) drives the page itself; this one runs without Node or Chromium.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleAssetsTest {
  static final Path SOURCES = Path.of("src", "main", "resources", "io", "nyx", "console");
  static final Pattern IMPORT = Pattern.compile("(?:from|import\\()\\s*'([^']+)'");
  static final Pattern LINKED = Pattern.compile("(?:src|href)=\"(/console/[^\"]+)\"");

  @TempDir static Path dir;
  FakeVllm vllm;
  Nyx nyx;
  HttpTestClient http;
  String user;

  @BeforeAll
  void start() {
    vllm = FakeVllm.start(FakeVllm.DEFAULT_BASE_MODEL, NyxFixture.ADAPTERS);
    Database db = TestDatabase.fresh();
    String secret = new KeySecrets().newSecret();
    new JdbcKeyStore(db.dataSource())
        .create(
            new ApiKey(
                "app",
                KeySecrets.sha256(secret),
                Set.of(Scope.INFER, Scope.FEEDBACK),
                1000,
                1000,
                16,
                "app"));
    user = secret;
    nyx =
        Nyx.start(
            ConfigLoader.load(
                Map.of("port", "0", "llm-url", vllm.baseUrl(), "data-dir", dir.toString()),
                Map.of()),
            db);
    http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
  }

  @AfterAll
  void stop() {
    nyx.close();
    vllm.close();
  }

  @Test
  void thePageIsServedWithoutAKeyUnderAStrictPolicy() {
    Reply page = http.get("/");
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
    String csp = page.header("Content-Security-Policy");
    assertThat(csp)
        .contains("default-src 'self'", "script-src 'self'", "style-src 'self'")
        .contains("frame-ancestors 'none'", "object-src 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "*");
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(page.body()).contains("<script type=\"module\" src=\"/console/app.js\">");
  }

  @Test
  void everyFileThePageLoadsIsServedWithItsType() throws IOException {
    List<String> paths = new ArrayList<>();
    Matcher linked = LINKED.matcher(http.get("/").body());
    while (linked.find()) {
      paths.add(linked.group(1));
    }
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path js : files.filter(f -> f.toString().endsWith(".js")).toList()) {
        Matcher imports = IMPORT.matcher(Files.readString(js));
        while (imports.find()) {
          String target = imports.group(1);
          paths.add(target.startsWith("./") ? "/console/" + target.substring(2) : target);
        }
      }
    }
    assertThat(paths)
        .contains(
            "/console/app.js",
            "/console/app.css",
            "/console/vendor/uPlot.esm.js",
            "/console/vendor/uPlot.min.css",
            "/console/chat.js");
    for (String path : paths) {
      Reply r = http.get(path);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.header("Content-Security-Policy")).as(path).isNotNull();
      String type = r.header("Content-Type");
      if (path.endsWith(".js")) {
        assertThat(type).as(path).isEqualTo("text/javascript; charset=utf-8");
      } else if (path.endsWith(".css")) {
        assertThat(type).as(path).isEqualTo("text/css; charset=utf-8");
      } else if (path.endsWith(".svg")) {
        assertThat(type).as(path).isEqualTo("image/svg+xml");
      }
    }
    assertThat(http.get("/console/vendor/uPlot.esm.js").body())
        .contains("export { uPlot as default }");
  }

  /** What the policy would block anyway, kept out of the sources so nothing breaks in a browser. */
  @Test
  void theSourcesHoldNoInlineScriptStyleOrEval() throws IOException {
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path f : files.toList()) {
        String text = Files.readString(f);
        assertThat(text)
            .as(f.toString())
            .doesNotContain("innerHTML", "outerHTML =", "eval(", "new Function", "style=\"")
            .doesNotContain("setAttribute('style'", "document.write");
        if (f.toString().endsWith(".html")) {
          assertThat(text.split("<script", -1))
              .as("every script of %s is a file", f)
              .allSatisfy(part -> assertThat(part).doesNotStartWith(">"));
          assertThat(text).doesNotContain("<style").doesNotContainPattern("\\son[a-z]+\\s*=");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/console/nothing.js",
        "/console/%2e%2e/pom.xml",
        "/console/..%2f..%2fpom.xml",
        "/console/io/nyx/console/app.js",
        "/console/App.js",
        "/console/index.html",
        "/console/vendor/uPlot.cjs.js",
        "/console/vendor/../app.js.map",
        "/console/vendor/README.md"
      })
  void nothingElseIsServedFromTheFolder(String path) {
    Reply r = http.get(path);
    assertThat(r.status()).as(r.body()).isIn(400, 404);
  }

  @Test
  void theDataCallsKeepTheirKeys() {
    assertThat(http.get("/traits").status()).isEqualTo(401);
    assertThat(http.get("/queries").status()).isEqualTo(401);
    assertThat(http.getWithKey("/traits", user).status()).isEqualTo(200);
    assertThat(http.getWithKey("/adapters", user).status()).isEqualTo(403);
    Reply post = http.post("/console/app.js", "{}");
    assertThat(post.status()).as("only GET is open").isEqualTo(401);
    assertThat(http.get("/favicon.ico").status()).as("not a console path").isEqualTo(401);
  }

  @Test
  void aForeignHostGetsNoConsole() {
    RawHttp.Exchange e =
        RawHttp.send(
            nyx.port(),
            "GET / HTTP/1.1\r\nHost: evil.example:" + nyx.port() + "\r\nConnection: close\r\n\r\n",
            Duration.ofSeconds(5));
    assertThat(e.status()).as(e.raw()).isEqualTo(421);
    assertThat(e.raw()).doesNotContain("<html");
  }
}
