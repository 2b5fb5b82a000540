package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TcpProxy;
import io.nyx.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: PostgreSQL becomes unreachable mid-traffic. Answers keep coming (rows go to the spool),
 * and when the database is back every acknowledged row is there exactly once.
 */
class DatabaseOutageTest {
  @TempDir Path dataDir;

  @Test
  void noAcknowledgedRecordIsLostWhileTheDatabaseIsAway() throws Exception {
    String name = TestDatabase.createEmpty();
    String direct = TestDatabase.jdbcUrl(name);
    try (TcpProxy proxy = proxyTo(direct);
        FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      List<String> acknowledged = new ArrayList<>();
      try (Nyx nyx = startBehind(proxy, name, vllm)) {
        HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
        String q = "{\"query\":\"plan my afternoon\",\"specialist\":\"kairos\"}";
        for (int i = 0; i < 10; i++) {
          acknowledged.add(ok(http.post("/infer", q)));
        }
        proxy.down();
        for (int i = 0; i < 10; i++) {
          acknowledged.add(ok(http.post("/infer", q)));
        }
        assertThat(nyx.spooledRows()).isEqualTo(10);
        // The learner flushes every 100 ms; while the database is away its sums go to disk.
        await("evidence on disk while away")
            .atMost(Duration.ofSeconds(5))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> nyx.spooledEvidence() > 0);
        proxy.up();
        awaitReplay("spool replayed").until(() -> nyx.spooledRows() == 0);
        // Every answer's evidence (traits.reward_evidence = 0.25 observations) is applied once,
        // the ten made while the database was away from the evidence spool.
        HttpTestClient http2 = new HttpTestClient("http://127.0.0.1:" + nyx.port());
        awaitReplay("the evidence of twenty answers applied")
            .until(() -> observations(http2) >= 5.0);
        // three flushes of the learner: a late double count would show in that time
        await("no evidence applied twice")
            .during(Duration.ofMillis(300))
            .atMost(Duration.ofSeconds(2))
            .pollInterval(Duration.ofMillis(50))
            .untilAsserted(() -> assertThat(observations(http2)).isEqualTo(5.0));
        assertThat(nyx.spooledEvidence()).isZero();
      }
      try (Connection c = TestDatabase.connectUrl(direct);
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*), count(DISTINCT id) FROM nyx_synthetic_specialist_queries"
                      + " WHERE id = ANY (?::uuid[])")) {
        ps.setArray(1, c.createArrayOf("text", acknowledged.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getInt(1)).as("rows for acknowledged answers").isEqualTo(20);
          assertThat(rs.getInt(2)).as("each exactly once").isEqualTo(20);
        }
      }
    }
  }

  /**
   * Feedback given while the database is away is queued on disk (202), including feedback on a row
   * that is itself still spooled, and applied exactly once when the database is back: the rows'
   * rewards move and the trait gains the ratings. Reads that need the database say 503.
   */
  @Test
  void feedbackGivenWhileTheDatabaseIsAwayIsAppliedWhenItReturns() throws Exception {
    String name = TestDatabase.createEmpty();
    String direct = TestDatabase.jdbcUrl(name);
    try (TcpProxy proxy = proxyTo(direct);
        FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      try (Nyx nyx = startBehind(proxy, name, vllm)) {
        HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
        String q = "{\"query\":\"plan my afternoon\",\"specialist\":\"kairos\"}";
        String stored = ok(http.post("/infer", q));
        double trialsBefore = trials(http);
        proxy.down();
        String spooled = ok(http.post("/infer", q));
        for (String id : List.of(stored, spooled)) {
          HttpTestClient.Reply fb =
              http.post("/feedback", "{\"query_id\":\"" + id + "\",\"rating\":-1}");
          assertThat(fb.status()).as(fb.body()).isEqualTo(202);
          assertThat(fb.json().get("status").asText()).isEqualTo("queued");
        }
        assertThat(nyx.spooledFeedback()).isEqualTo(2);
        assertThat(http.get("/metrics").body())
            .contains("nyx_spool_pending{kind=\"feedback\"} 2.0")
            .contains("nyx_spool_pending{kind=\"rows\"} 1.0");
        HttpTestClient.Reply read = http.get("/traits/kairos");
        assertThat(read.status()).as(read.body()).isEqualTo(503);
        assertThat(read.header("Retry-After")).isNotNull();
        // The export's query runs before its stream opens: a clean error, not a cut stream.
        HttpTestClient.Reply export = http.get("/export/sft");
        assertThat(export.status()).as(export.body()).isEqualTo(503);
        assertThat(export.header("Content-Type")).startsWith("application/json");
        assertThat(export.json().at("/error/message").asText()).isNotEmpty();
        proxy.up();
        awaitReplay("feedback spool replayed").until(() -> nyx.spooledFeedback() == 0);
        // two ratings of -1, each worth traits.feedback_evidence (2) observations
        assertThat(trials(http) - trialsBefore).isGreaterThanOrEqualTo(4.0);
      }
      try (Connection c = TestDatabase.connectUrl(direct);
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*), count(DISTINCT f.query_id), max(q.reward)"
                      + " FROM nyx_feedback f JOIN nyx_synthetic_specialist_queries q"
                      + " ON q.id = f.query_id");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).as("feedback rows, exactly once").isEqualTo(2);
        assertThat(rs.getInt(2)).isEqualTo(2);
        assertThat(rs.getDouble(3)).as("rated -1: reward pulled below zero").isLessThan(0);
      }
    }
  }

  /**
   * A flagged exchange and a Moira prediction answered while the database is away are written once
   * it is back: review item and prediction, each exactly once.
   */
  @Test
  void reviewsAndPredictionsMadeWhileTheDatabaseIsAwayArriveWhenItReturns() throws Exception {
    String name = TestDatabase.createEmpty();
    String direct = TestDatabase.jdbcUrl(name);
    try (TcpProxy proxy = proxyTo(direct);
        FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      vllm.reply(
          (model, req) ->
              "SCENARIO: the launch slips a month | LIKELIHOOD: 60%\n"
                  + "SCENARIO: it ships on time | LIKELIHOOD: 40%");
      String flagged;
      String foresight;
      try (Nyx nyx = startBehind(proxy, name, vllm)) {
        HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
        proxy.down();
        flagged = ok(http.post("/infer", "{\"query\":\"I want to kill myself tonight\"}"));
        foresight =
            ok(
                http.post(
                    "/infer",
                    "{\"query\":\"what happens if we launch late\",\"specialist\":\"moira\"}"));
        assertThat(nyx.spooledFollowUps()).isEqualTo(2);
        proxy.up();
        awaitReplay("follow-up spool replayed").until(() -> nyx.spooledFollowUps() == 0);
      }
      try (Connection c = TestDatabase.connectUrl(direct)) {
        assertThat(count(c, "SELECT count(*) FROM nyx_review_queue WHERE query_id = ?", flagged))
            .isEqualTo(1);
        assertThat(count(c, "SELECT count(*) FROM nyx_predictions WHERE query_id = ?", foresight))
            .isEqualTo(1);
      }
    }
  }

  private static int count(Connection c, String sql, String id) throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, java.util.UUID.fromString(id));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** A replay, after the database is back: its reconnect and retries take seconds. */
  private static ConditionFactory awaitReplay(String what) {
    return await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100));
  }

  private static double observations(HttpTestClient http) {
    HttpTestClient.Reply r = http.get("/traits/kairos");
    return r.status() == 200 ? r.json().at("/posterior/observations_total").asDouble() : -1;
  }

  private static double trials(HttpTestClient http) {
    HttpTestClient.Reply r = http.get("/traits/kairos");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().at("/posterior/observations_total").asDouble();
  }

  /** A forwarder to the test server's PostgreSQL, which the test can take away. */
  private static TcpProxy proxyTo(String jdbcUrl) throws java.io.IOException {
    return new TcpProxy(URI.create(jdbcUrl.substring("jdbc:".length())).getPort());
  }

  /** Nyx on database {@code name}, reached through {@code proxy}, answered by {@code vllm}. */
  private Nyx startBehind(TcpProxy proxy, String name, FakeVllm vllm) {
    var config = NyxFixture.config(vllm.baseUrl(), dataDir, null);
    String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + name;
    return Nyx.start(config, TestDatabase.asOwnerUrl(viaProxy));
  }

  private static String ok(HttpTestClient.Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asText();
  }
}
