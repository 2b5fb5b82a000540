package io.nyx.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.persistence.Database;
import io.nyx.testing.QueryRecords;
import io.nyx.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The serving role, through real PostgreSQL: it does everything Nyx does at run time (insert a
 * request row, update a posterior, LISTEN), and no DDL at all — each refusal is PostgreSQL's
 * insufficient_privilege (42501), not some other error.
 */
class LeastPrivilegeTest {
  static final String INSUFFICIENT_PRIVILEGE = "42501";
  private static Database db;

  @BeforeAll
  static void open() {
    db = TestDatabase.fresh();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void runsAsTheAppRole() throws SQLException {
    assertThat(TestDatabase.currentUser(db.dataSource())).isEqualTo(TestDatabase.APP_ROLE.user());
  }

  @Test
  void insertsARequestRowUpdatesAPosteriorAndListens() throws SQLException {
    JdbcQueryLog log = new JdbcQueryLog(db.dataSource());
    UUID id = UUID.randomUUID();
    log.append(QueryRecords.full(id, Instant.parse("2026-03-01T10:00:00Z")));
    assertThat(log.find(id)).isPresent();

    new JdbcTraitStore(db.dataSource()).ensure("least", 0.5, 0.05, 1.0);
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT update_trait_posterior(?, ?, ?, ?, ?, ?)")) {
      s.setString(1, "least");
      s.setDouble(2, 1.0);
      s.setDouble(3, 1.0);
      s.setString(4, "test");
      s.setString(5, "least privilege");
      s.setTimestamp(6, Timestamp.from(Instant.parse("2026-03-01T10:00:01Z")));
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getDouble(1)).isBetween(0.05, 1.0);
      }
    }
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("LISTEN " + MemoryNotifications.CHANNEL);
      s.execute("UNLISTEN *");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DROP TABLE nyx_facts",
        "CREATE TABLE nyx_evil (id int)",
        "CREATE TEMP TABLE nyx_evil (id int)",
        "ALTER TABLE nyx_facts ADD COLUMN evil int",
        "TRUNCATE nyx_facts",
        "TRUNCATE nyx_synthetic_specialist_queries",
        "DROP FUNCTION update_trait_posterior",
        "CREATE FUNCTION nyx_evil() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "SELECT nyx_ensure_partitions(1)",
        "DELETE FROM flyway_schema_history",
        "CREATE SCHEMA nyx_evil",
        "ALTER ROLE nyx_app SUPERUSER",
        "CREATE ROLE nyx_evil"
      })
  void refusesDdl(String sql) {
    assertThatThrownBy(
            () -> {
              try (Connection c = db.dataSource().getConnection();
                  Statement s = c.createStatement()) {
                s.execute(sql);
              }
            })
        .isInstanceOfSatisfying(
            SQLException.class,
            e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(INSUFFICIENT_PRIVILEGE));
  }
}
