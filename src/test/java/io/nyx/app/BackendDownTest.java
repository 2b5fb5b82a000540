package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.HttpTestClient;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the model server unreachable, Nyx still starts, says what is down, and records requests. */
class BackendDownTest {
  @TempDir Path dataDir;

  @Test
  void startsReportsAndRecordsTheFailure() throws IOException, SQLException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/v1";
    var config = NyxFixture.config(url, dataDir, null);
    try (Nyx nyx = Nyx.start(config, TestDatabase.fresh())) {
      HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
      Reply ready = http.get("/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().at("/checks/model_backend/ok").asBoolean()).isFalse();
      assertThat(ready.json().at("/checks/model_backend/detail").asText()).contains(url);
      assertThat(ready.json().at("/checks/database/ok").asBoolean()).isTrue();

      Reply r = http.post("/infer", "{\"query\":\"what did we talk about yesterday?\"}");
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("Retry-After")).isNotNull();
      assertThat(r.json().at("/error/message").asText()).contains(url);
      String id = r.json().at("/error/query_id").asText();
      assertThat(r.header("X-Nyx-Query-Id")).isEqualTo(id);
      try (Connection c = nyx.database().dataSource().getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT status, specialist, route_method FROM nyx_synthetic_specialist_queries WHERE id = ?::uuid")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("backend_unavailable");
          assertThat(rs.getString(2)).isEqualTo("mnemosyne");
          assertThat(rs.getString(3)).isEqualTo("semantic");
        }
      }
    }
  }
}
