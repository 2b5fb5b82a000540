package io.nyx.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.persistence.jdbc.JdbcQueryLog;
import io.nyx.testing.QueryRecords;
import io.nyx.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MigrationTest {

  @Test
  void migratesAnEmptyDatabaseAndReopensWithoutChange() throws SQLException {
    String name = TestDatabase.createEmpty();
    String url = TestDatabase.jdbcUrl(name);
    assertThat(strings(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        .isEmpty();
    try (Database db = TestDatabase.asOwnerUrl(url)) {
      assertThat(db.healthy()).isTrue();
      assertThat(db.isEmbedded()).isFalse();
    }
    assertThat(strings(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        .contains(
            "nyx_synthetic_specialist_queries",
            "nyx_synthetic_specialist_queries_default",
            "nyx_subjective_memory",
            "nyx_facts",
            "nyx_trait_weights",
            "nyx_trait_weight_history",
            "nyx_feedback",
            "nyx_adapters");
    assertThat(strings(url, "SELECT proname FROM pg_proc WHERE proname LIKE '%trait_weight'"))
        .contains("update_trait_weight", "set_trait_weight");
    List<String> applied = strings(url, "SELECT version FROM flyway_schema_history ORDER BY 1");
    try (Database again = TestDatabase.asOwnerUrl(url)) {
      assertThat(again.healthy()).isTrue();
    }
    assertThat(strings(url, "SELECT version FROM flyway_schema_history ORDER BY 1"))
        .isEqualTo(applied)
        .contains("1", "2", "3");
  }

  /**
   * A database that applied a migration before a comment-only edit still opens, its recorded
   * checksum moved to the new text's; and each edit's new checksum is what Flyway computes.
   */
  @Test
  void aDatabaseMigratedBeforeACommentEditStillOpens() throws SQLException {
    String url = TestDatabase.jdbcUrl(TestDatabase.createEmpty());
    TestDatabase.asOwnerUrl(url).close();
    for (MigrationChecksums.Edit e : MigrationChecksums.EDITS) {
      assertThat(
              strings(
                  url,
                  "SELECT checksum FROM flyway_schema_history WHERE version = '"
                      + e.version()
                      + "'"))
          .as("Flyway's checksum of V%s as shipped now", e.version())
          .containsExactly(String.valueOf(e.after()));
      execute(
          url,
          "UPDATE flyway_schema_history SET checksum = "
              + e.before()
              + " WHERE version = '"
              + e.version()
              + "'");
    }
    try (Database again = TestDatabase.asOwnerUrl(url)) {
      assertThat(again.healthy()).isTrue();
    }
    for (MigrationChecksums.Edit e : MigrationChecksums.EDITS) {
      assertThat(
              strings(
                  url,
                  "SELECT checksum FROM flyway_schema_history WHERE version = '"
                      + e.version()
                      + "'"))
          .containsExactly(String.valueOf(e.after()));
    }
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection c = TestDatabase.connectUrl(url);
        PreparedStatement s = c.prepareStatement(sql)) {
      s.executeUpdate();
    }
  }

  @Test
  void partitionsCoverLastMonthThroughThreeAhead() throws SQLException {
    String name = TestDatabase.createEmpty();
    String url = TestDatabase.jdbcUrl(name);
    YearMonth before = YearMonth.now(ZoneOffset.UTC);
    TestDatabase.asOwnerUrl(url).close(); // migrates and ensures partitions
    List<String> parts =
        strings(
            url,
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = 'nyx_synthetic_specialist_queries'::regclass");
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        now.equals(before), "the month turned during the migration");
    for (int m = -1; m <= Database.PARTITION_MONTHS_AHEAD; m++) {
      assertThat(parts).contains(partitionName(now.plusMonths(m)));
    }
  }

  @Test
  void ensurePartitionsMovesRowsOutOfDefault() throws SQLException {
    try (Database db = TestDatabase.fresh()) {
      JdbcQueryLog log = new JdbcQueryLog(db.dataSource());
      UUID id = UUID.randomUUID();
      YearMonth far = YearMonth.now(ZoneOffset.UTC).plusYears(2);
      log.append(QueryRecords.full(id, far.atDay(15).atStartOfDay().toInstant(ZoneOffset.UTC)));
      assertThat(partition(db, id)).isEqualTo("nyx_synthetic_specialist_queries_default");

      int created = createdPartitions(db, far);
      assertThat(created).isEqualTo(1);
      assertThat(partition(db, id)).isEqualTo(partitionName(far));
      assertThat(log.find(id)).isPresent();
      assertThat(createdPartitions(db, far)).isZero(); // idempotent
    }
  }

  private static String partitionName(YearMonth month) {
    return String.format(
        "nyx_synthetic_specialist_queries_y%04dm%02d", month.getYear(), month.getMonthValue());
  }

  /**
   * A server that runs for months keeps its partitions ahead: {@link Database#ensurePartitions}
   * makes the missing ones as the owner (its own connection), though the pool serves as the
   * least-privileged role, which may not.
   */
  @Test
  void aRunningServerCreatesMissingPartitionsAsTheOwner() throws SQLException {
    try (Database db = TestDatabase.fresh()) {
      String last =
          "nyx_synthetic_specialist_queries_"
              + YearMonth.now(ZoneOffset.UTC)
                  .plusMonths(Database.PARTITION_MONTHS_AHEAD)
                  .format(java.time.format.DateTimeFormatter.ofPattern("'y'yyyy'm'MM"));
      try (Connection c = TestDatabase.connectUrl(db.jdbcUrl());
          PreparedStatement drop = c.prepareStatement("DROP TABLE " + last)) {
        drop.execute(); // as if the server had been up since before that month was made
      }
      assertThat(tables(db)).doesNotContain(last);
      assertThat(db.ensurePartitions()).isEqualTo(1);
      assertThat(tables(db)).contains(last);
      assertThat(db.ensurePartitions()).as("nothing left to make").isZero();
    }
  }

  private static List<String> tables(Database db) throws SQLException {
    return strings(
        db.jdbcUrl(),
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'nyx_synthetic_specialist_queries_%'");
  }

  /** Partitions are DDL: the owner creates them, never the serving role of {@code db}. */
  private static int createdPartitions(Database db, YearMonth month) throws SQLException {
    try (Connection c = TestDatabase.connectUrl(db.jdbcUrl());
        PreparedStatement s =
            c.prepareStatement("SELECT nyx_ensure_partitions(CAST(? AS timestamptz), 1)")) {
      s.setString(1, month.atDay(1) + "T00:00:00Z");
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static String partition(Database db, UUID id) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT tableoid::regclass::text FROM nyx_synthetic_specialist_queries"
                    + " WHERE id = ?")) {
      s.setObject(1, id);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static List<String> strings(String url, String sql) throws SQLException {
    try (Connection c = TestDatabase.connectUrl(url);
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      return values;
    }
  }
}
