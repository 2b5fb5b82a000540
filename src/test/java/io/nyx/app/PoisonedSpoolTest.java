package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.cli.CliRun;
import io.nyx.persistence.durable.DeadLetters;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TcpProxy;
import io.nyx.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: a spooled row the database refuses for good (here a CHECK constraint, SQLSTATE 23514; a
 * NUL, 22021, before the API refused them). Three answers are spooled during an outage, the middle
 * one poisoned; Nyx restarts on the same data dir with PostgreSQL back. The good rows land, the
 * poisoned one is dead-lettered with a SEVERE log line and a metric, {@code /ready} says degraded,
 * and {@code nyx spool} lists it and puts it back. Before, the spool retried the poisoned row
 * forever, every later row queued behind it, while {@code /ready} said ready.
 */
class PoisonedSpoolTest {
  /** Held here: the log manager keeps loggers only weakly, and with them the handler added. */
  private static final Logger SPOOL_LOG =
      Logger.getLogger("io.nyx.persistence.durable.ReplaySpool");

  @TempDir Path dataDir;

  @Test
  void aPoisonedSpooledRowIsDeadLetteredAcrossARestartAndTheOthersLand() throws Exception {
    String name = TestDatabase.createEmpty();
    String direct = TestDatabase.jdbcUrl(name);
    List<LogRecord> logged = capture(SPOOL_LOG);
    List<String> ids = new ArrayList<>();
    try (TcpProxy proxy = new TcpProxy(URI.create(direct.substring(5)).getPort());
        FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      try (Nyx nyx = startBehind(proxy, name, vllm)) {
        HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
        proxy.down();
        for (String q : List.of("good one", "poison please", "good two")) {
          HttpTestClient.Reply r =
              http.post("/infer", "{\"query\":\"" + q + "\",\"specialist\":\"kairos\"}");
          assertThat(r.status()).as(r.body()).isEqualTo(200);
          ids.add(r.json().get("id").asText());
        }
        assertThat(nyx.spooledRows()).isEqualTo(3);
      }
      try (Connection c = TestDatabase.connectUrl(direct);
          Statement s = c.createStatement()) {
        s.execute(
            "ALTER TABLE nyx_synthetic_specialist_queries"
                + " ADD CONSTRAINT test_poison CHECK (query <> 'poison please')");
      }
      proxy.up();
      try (Nyx nyx = startBehind(proxy, name, vllm)) {
        await("the spool drained past the poisoned row")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> nyx.spooledRows() == 0);
        HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
        assertThat(http.get("/metrics").body())
            .contains("nyx_spool_dead_letters_total{kind=\"rows\"} 1.0");
        HttpTestClient.Reply ready = http.get("/ready");
        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
        JsonNode spools = ready.json().at("/checks/spools");
        assertThat(ready.json().get("status").asText()).isEqualTo("degraded");
        assertThat(spools.get("degraded").asBoolean()).isTrue();
        assertThat(spools.get("detail").asText()).contains("rows (1)");
      }
      assertThat(stored(direct, ids)).containsExactly(ids.get(0), ids.get(2));
    }
    assertThat(logged)
        .anySatisfy(
            r -> {
              assertThat(r.getLevel()).isEqualTo(Level.SEVERE);
              assertThat(r.getMessage())
                  .contains(ids.get(1))
                  .contains("SQLSTATE 23514")
                  .doesNotContain("poison please"); // the row's text stays out of the log
            });

    CliRun listed = CliRun.of("spool", "dead-letters", "--data-dir", dataDir.toString());
    assertThat(listed.code()).as(listed.err()).isZero();
    assertThat(listed.out())
        .contains("rows  id=" + ids.get(1))
        .contains("sqlstate=23514")
        .contains("poison please")
        .contains("1 dead letter(s)");
    CliRun redriven = CliRun.of("spool", "redrive", "--data-dir", dataDir.toString());
    assertThat(redriven.out()).contains("put 1 dead letter(s) back");
    assertThat(DeadLetters.list(dataDir.resolve("spool"))).isEmpty();
    assertThat(Files.size(dataDir.resolve("spool/queries.spool"))).isPositive();
  }

  private static List<String> stored(String direct, List<String> ids) throws Exception {
    List<String> found = new ArrayList<>();
    try (Connection c = TestDatabase.connectUrl(direct);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id::text FROM nyx_synthetic_specialist_queries"
                    + " WHERE id = ANY (?::uuid[]) ORDER BY created_at")) {
      ps.setArray(1, c.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
    }
    return found;
  }

  private Nyx startBehind(TcpProxy proxy, String name, FakeVllm vllm) {
    var config = NyxFixture.config(vllm.baseUrl(), dataDir, null);
    String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + name;
    return Nyx.start(config, TestDatabase.asOwnerUrl(viaProxy));
  }

  private static List<LogRecord> capture(Logger logger) {
    List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
    logger.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
    return records;
  }
}
