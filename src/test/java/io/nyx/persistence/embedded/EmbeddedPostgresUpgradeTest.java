package io.nyx.persistence.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.persistence.Database;
import io.nyx.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster an older Nyx initialised (zonky's {@code initdb -A trust}, a superuser without a
 * password, {@code trust} lines in pg_hba.conf) is locked by the first start of this one: the
 * superuser gets its password in single-user mode before the postmaster listens, and the data
 * stays.
 */
class EmbeddedPostgresUpgradeTest {
  private Path dir;

  @BeforeEach
  void createDir() throws IOException {
    dir = Files.createTempDirectory("nyx-pg-upgrade-");
  }

  @AfterEach
  void deleteDir() {
    TestDatabase.deleteRecursively(dir);
  }

  @Test
  void aTrustClusterOfAnOlderNyxGetsPasswordsAndKeepsItsData() throws Exception {
    initialiseTheOldWay(dir.resolve("pg"));
    assertThat(rules()).anyMatch(l -> l.endsWith("trust"));

    try (Database db = Database.embedded(dir)) {
      assertThat(rules()).isNotEmpty().noneMatch(l -> l.contains("trust"));
      String url = db.jdbcUrl();
      assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "").close())
          .isInstanceOf(SQLException.class);
      assertThat(legacyNote(url, ownerPassword())).isEqualTo("kept from before");
    }
    try (Database db = Database.embedded(dir)) { // an upgraded cluster starts as any other
      assertThat(legacyNote(db.jdbcUrl(), ownerPassword())).isEqualTo("kept from before");
    }
  }

  /** As Nyx did before: zonky's defaults, its trust cluster in {@code pg}, a row in it. */
  private static void initialiseTheOldWay(Path pg) throws IOException, SQLException {
    try (EmbeddedPostgres old =
            EmbeddedPostgres.builder().setDataDirectory(pg).setCleanDataDirectory(false).start();
        Connection c = old.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE legacy (note text)");
      s.execute("INSERT INTO legacy VALUES ('kept from before')");
    }
  }

  private static String legacyNote(String nyxUrl, String password) throws SQLException {
    String url = nyxUrl.substring(0, nyxUrl.lastIndexOf('/')) + "/postgres";
    try (Connection c = DriverManager.getConnection(url, "postgres", password);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT note FROM legacy")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  private List<String> rules() throws IOException {
    return Files.readAllLines(dir.resolve("pg/pg_hba.conf"), StandardCharsets.UTF_8).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  private String ownerPassword() throws IOException {
    return Files.readString(dir.resolve("db-owner-password"), StandardCharsets.US_ASCII).strip();
  }
}
