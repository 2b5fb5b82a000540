package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.config.ConfigLoader;
import io.nyx.persistence.Database;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TcpProxy;
import io.nyx.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    int pgPort = URI.create(direct.substring("jdbc:".length())).getPort();
    try (TcpProxy proxy = new TcpProxy(pgPort);
        FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + name;
      var config =
          ConfigLoader.load(
              Map.of("port", "0", "llm-url", vllm.baseUrl(), "data-dir", dataDir.toString()),
              Map.of());
      List<String> acknowledged = new ArrayList<>();
      try (Nyx nyx = Nyx.start(config, Database.external(viaProxy, "postgres", null))) {
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
        proxy.up();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (nyx.spooledRows() > 0 && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(nyx.spooledRows()).as("spool replayed").isZero();
      }
      try (Connection c = DriverManager.getConnection(direct, "postgres", "");
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

  private static String ok(HttpTestClient.Reply r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asText();
  }
}
