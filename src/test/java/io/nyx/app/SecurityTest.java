package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.config.ConfigException;
import io.nyx.config.ConfigLoader;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcKeyStore;
import io.nyx.security.ApiKey;
import io.nyx.security.KeySecrets;
import io.nyx.security.Scope;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** API keys, scopes, rate limits and the loopback rule, through real HTTP and PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityTest {
  static final String CONFIG_SECRET = "nyx_from-config";
  @TempDir static Path dir;
  FakeVllm vllm;
  Nyx nyx;
  String dbSecret;
  String slowSecret;
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws IOException {
    vllm = FakeVllm.start("base", NyxServerTest.ADAPTERS);
    Path yaml = dir.resolve("nyx.yaml");
    Files.writeString(
        yaml,
        "security:\n  keys:\n    - name: ops\n      sha256: "
            + KeySecrets.sha256(CONFIG_SECRET)
            + "\n      scopes: [admin]\n");
    Database db = TestDatabase.fresh();
    JdbcKeyStore keys = new JdbcKeyStore(db.dataSource());
    dbSecret = new KeySecrets().newSecret();
    keys.create(new ApiKey("app", KeySecrets.sha256(dbSecret), Set.of(Scope.INFER), 100, 100, 8));
    slowSecret = new KeySecrets().newSecret();
    keys.create(new ApiKey("slow", KeySecrets.sha256(slowSecret), Set.of(Scope.INFER), 0.01, 2, 8));
    nyx = Nyx.start(NyxFixture.config(vllm.baseUrl(), dir, yaml), db);
  }

  @AfterAll
  void stop() {
    nyx.close();
    vllm.close();
  }

  private HttpResponse<String> send(String method, String path, String body, String key) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nyx.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void missingWrongAndValidKeys() {
    String q = "{\"query\":\"hello\",\"specialist\":\"moira\"}";
    assertThat(send("POST", "/infer", q, null).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/infer", q, "nyx_nope").statusCode()).isEqualTo(401);
    assertThat(send("POST", "/infer", q, dbSecret).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/infer", q, CONFIG_SECRET).statusCode()).isEqualTo(200);
    assertThat(nyx.keysRequired()).isTrue();
  }

  @Test
  void wrongScopeIsForbidden() {
    var r = send("PUT", "/traits/moira", "{\"weight\":0.6,\"reason\":\"x\"}", dbSecret);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("lacks scope 'admin'");
    assertThat(
            send("PUT", "/traits/moira", "{\"weight\":0.6,\"reason\":\"x\"}", CONFIG_SECRET)
                .statusCode())
        .isEqualTo(200);
    assertThat(send("POST", "/feedback", "{}", dbSecret).statusCode()).isEqualTo(403);
    // The training data holds every prompt and answer: admin only.
    assertThat(send("GET", "/export/sft", null, dbSecret).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/export/sft", null, CONFIG_SECRET).statusCode()).isEqualTo(200);
    // Learned route exemplars steer every tenant's routing: admin only.
    assertThat(send("GET", "/routing/exemplars", null, dbSecret).statusCode()).isEqualTo(403);
    assertThat(send("DELETE", "/routing/exemplars/1", null, dbSecret).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/routing/exemplars", null, CONFIG_SECRET).statusCode()).isEqualTo(200);
  }

  @Test
  void healthReadyAndMetricsNeedNoKey() {
    assertThat(send("GET", "/health", null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/metrics", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void rateLimitAnswers429WithRetryAfter() {
    String q = "{\"query\":\"hi\",\"specialist\":\"kairos\"}";
    assertThat(send("POST", "/infer", q, slowSecret).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/infer", q, slowSecret).statusCode()).isEqualTo(200);
    var limited = send("POST", "/infer", q, slowSecret);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertThat(limited.body()).contains("\"type\":\"rate_limit_error\"");
  }

  @Test
  void revokedKeyStopsWorking() {
    JdbcKeyStore keys = new JdbcKeyStore(nyx.database().dataSource());
    String secret = new KeySecrets().newSecret();
    keys.create(new ApiKey("temp", KeySecrets.sha256(secret), Set.of(Scope.INFER), 100, 100, 8));
    String q = "{\"query\":\"hi\",\"specialist\":\"eleos\"}";
    await("a new key working within the refresh interval")
        .atMost(Admission.KEY_REFRESH.multipliedBy(2))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> assertThat(send("POST", "/infer", q, secret).statusCode()).isEqualTo(200));
    assertThat(keys.revoke("temp")).isTrue();
    await("a revoked key failing within the refresh interval")
        .atMost(Admission.KEY_REFRESH.multipliedBy(2))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> assertThat(send("POST", "/infer", q, secret).statusCode()).isEqualTo(401));
  }

  @Test
  void aNonLoopbackAddressWithoutKeysIsRefused() {
    var config =
        ConfigLoader.load(
            Map.of(
                "port",
                "0",
                "host",
                "0.0.0.0",
                "llm-url",
                vllm.baseUrl(),
                "data-dir",
                dir.toString()),
            Map.of());
    assertThatThrownBy(() -> Nyx.start(config, TestDatabase.fresh()).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.host")
        .hasMessageContaining("nyx keys create");
  }
}
