package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.Main;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TcpProxy;
import io.nyx.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: Nyx is killed with SIGKILL mid-load, part of the time with PostgreSQL unreachable (rows in
 * the spool). After a restart on the same data dir every answer a client received is a row in the
 * database, exactly once, and its trait evidence is applied, once. Nyx runs as a separate process
 * ({@code nyx serve}), so the kill is real: no shutdown hook, no flush.
 */
// A child that hangs before it prints its port must fail the test, not hang the build.
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrashRecoveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** How long one stage (load, replay) may take on a loaded machine; each takes seconds. */
  private static final Duration STAGE = Duration.ofSeconds(60);

  @TempDir Path dataDir;

  @Test
  void killNineMidLoadLosesNoAcknowledgedRow() throws Exception {
    String name = TestDatabase.createEmpty();
    String direct = TestDatabase.jdbcUrl(name);
    int pgPort = URI.create(direct.substring("jdbc:".length())).getPort();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    try (TcpProxy proxy = new TcpProxy(pgPort);
        FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      vllm.delay(Duration.ofMillis(20));
      String viaProxy =
          TestDatabase.ownerUrlOf("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + name);
      Process first = serve(viaProxy, vllm.baseUrl());
      try {
        int port = port(first);
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          clients.add(Thread.ofVirtual().start(() -> load(port, loading, acknowledged)));
        }
        awaitStage("answers with the database up").until(() -> acknowledged.size() >= 40);
        proxy.down();
        int before = acknowledged.size();
        awaitStage("answers while the database is away")
            .until(() -> acknowledged.size() >= before + 40);
        first.destroyForcibly(); // SIGKILL on Linux, in the middle of the clients' requests
        first.waitFor(10, TimeUnit.SECONDS);
        loading.set(false);
        for (Thread t : clients) {
          t.join(Duration.ofSeconds(10));
        }
      } finally {
        first.destroyForcibly();
      }
      proxy.up();
      Process second = serve(viaProxy, vllm.baseUrl());
      try {
        port(second);
        awaitStage("spool replayed")
            .until(() -> recorded(direct, acknowledged) == acknowledged.size());
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(80);
        assertThat(duplicates(direct)).as("rows stored twice").isZero();
        // Every acknowledged answer taught kairos once: evidence in the journal at the kill (or
        // queued while the database was away) is applied by the restarted process.
        double w = io.nyx.learning.TraitConfig.DEFAULT.rewardEvidence();
        awaitStage("the evidence of every acknowledged answer applied")
            .until(() -> kairosTrials(direct) >= acknowledged.size() * w - 1e-9);
        assertThat(kairosTrials(direct))
            .as("at most once per stored answer (plus those cut off mid-request)")
            .isLessThanOrEqualTo((kairosRows(direct) + 6) * w + 1e-9);
      } finally {
        second.destroyForcibly();
        second.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private Process serve(String dbUrl, String llmUrl) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder serve =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--port",
                "0",
                "--llm-url",
                llmUrl,
                "--data-dir",
                dataDir.toString())
            .redirectErrorStream(true);
    serve.environment().put("NYX_DB_URL", dbUrl); // it has the password: not on the command line
    return serve.start();
  }

  /** Reads the child's output until it says where it listens; keeps draining it afterwards. */
  private static int port(Process p) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      seen.append(line).append('\n');
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {}));
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("nyx serve exited before listening:\n" + seen);
  }

  /** Sends requests until told to stop; keeps the id of every 200 it fully received. */
  private static void load(int port, AtomicBoolean loading, Set<String> acknowledged) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/infer"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"query\":\"plan my afternoon\",\"specialist\":\"kairos\"}"))
            .build();
    while (loading.get()) {
      try {
        HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          acknowledged.add(JSON.readTree(r.body()).get("id").asText());
        }
      } catch (IOException e) {
        // the server was killed under this request: not acknowledged, nothing is owed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static int recorded(String url, Set<String> ids) {
    try (Connection c = TestDatabase.connectUrl(url);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM nyx_synthetic_specialist_queries WHERE id = ANY (?::uuid[])")) {
      ps.setArray(1, c.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      return -1;
    }
  }

  private static double kairosTrials(String url) {
    return number(url, "SELECT trials FROM nyx_trait_weights WHERE name = 'kairos'");
  }

  private static int kairosRows(String url) {
    return (int)
        number(
            url,
            "SELECT count(*) FROM nyx_synthetic_specialist_queries"
                + " WHERE specialist = 'kairos' AND status = 'ok'");
  }

  private static double number(String url, String sql) {
    try (Connection c = TestDatabase.connectUrl(url);
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getDouble(1) : -1;
    } catch (SQLException e) {
      return -1;
    }
  }

  private static int duplicates(String url) throws SQLException {
    try (Connection c = TestDatabase.connectUrl(url);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) - count(DISTINCT id) FROM nyx_synthetic_specialist_queries");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static ConditionFactory awaitStage(String what) {
    return await(what).atMost(STAGE).pollInterval(Duration.ofMillis(50));
  }
}
