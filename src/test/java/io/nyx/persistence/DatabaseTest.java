package io.nyx.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.testing.TestDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class DatabaseTest {

  @Test
  void healthyWhileOpenAndFalseAfterClose() {
    Database db = TestDatabase.fresh();
    assertThat(db.healthy()).isTrue();
    db.close();
    long start = System.nanoTime();
    assertThat(db.healthy()).isFalse();
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_500);
  }

  @Test
  void dataSourceReachesTheMigratedSchema() throws Exception {
    try (Database db = TestDatabase.fresh();
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM nyx_trait_weights")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
  }

  @Test
  void unreachableExternalFailsFastNamingTheUrlWithoutPassword() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/phoebe?password=hunter2";
    long start = System.nanoTime();
    assertThatThrownBy(() -> Database.external(url, "nyx", "s3cret"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("127.0.0.1:" + closedPort + "/phoebe")
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("s3cret");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
  }

  @Test
  void wrongCredentialsAreAClearStoreException() {
    String url = TestDatabase.jdbcUrl("no_such_database_here");
    assertThatThrownBy(() -> Database.external(url, "postgres", null))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no_such_database_here");
  }

  @Test
  void redactMasksPasswordParameters() {
    assertThat(Database.redact("jdbc:postgresql://h/db?user=a&password=x&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=a&password=***&ssl=true");
    assertThat(Database.redact("jdbc:postgresql://h/db?Password=x"))
        .isEqualTo("jdbc:postgresql://h/db?Password=***");
    assertThat(Database.redact("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
    assertThat(Database.redact("jdbc:postgresql://h/db?sslmode=verify-full&sslpassword=k&user=a"))
        .isEqualTo("jdbc:postgresql://h/db?sslmode=verify-full&sslpassword=***&user=a");
  }

  @Test
  void jdbcUrlOfExternalDatabaseHidesPassword() {
    String url = TestDatabase.ownerUrl(TestDatabase.createEmpty());
    try (Database db = Database.external(url, null, null)) {
      assertThat(db.jdbcUrl())
          .endsWith("&password=***")
          .doesNotContain(TestDatabase.superuserPassword());
    }
  }
}
