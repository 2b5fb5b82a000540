package io.nyx.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.persistence.Database;
import io.nyx.pipeline.QueryRecord;
import io.nyx.testing.QueryRecords;
import io.nyx.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcQueryLogTest {
  private static Database db;
  private static JdbcQueryLog log;

  @BeforeAll
  static void open() {
    db = TestDatabase.fresh();
    log = new JdbcQueryLog(db.dataSource());
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  @Test
  void everyFieldRoundTrips() {
    QueryRecord record = QueryRecords.full(UUID.randomUUID(), now());
    log.append(record);
    assertThat(log.find(record.id())).contains(record);
  }

  @Test
  void toolCallsInTheHistoryAndTheAnswerRoundTrip() {
    QueryRecord record = QueryRecords.withTools(UUID.randomUUID(), now());
    log.append(record);
    assertThat(log.find(record.id())).contains(record);
  }

  @Test
  void nullableFieldsRoundTripAsNull() {
    QueryRecord record = QueryRecords.sparse(UUID.randomUUID(), now());
    log.append(record);
    assertThat(log.find(record.id())).contains(record);
  }

  /**
   * Model output is not under Nyx's control and the client already has it, so text PostgreSQL
   * cannot take (U+0000 in text and jsonb, unpaired surrogates) is stored with U+FFFD in its place,
   * row by row and in a replay batch, instead of failing the insert for good.
   */
  @Test
  void modelOutputWithNulOrLoneSurrogatesIsStoredWithReplacementCharacters() {
    String raw = "a\u0000b\uD800c\uD83D\uDE00";
    String stored = "a\uFFFDb\uFFFDc\uD83D\uDE00";
    QueryRecord one = QueryRecords.answered(UUID.randomUUID(), now(), raw);
    QueryRecord batched = QueryRecords.answered(UUID.randomUUID(), now(), raw);
    log.append(one);
    log.appendAll(java.util.List.of(QueryRecords.full(UUID.randomUUID(), now()), batched));
    for (QueryRecord r : java.util.List.of(one, batched)) {
      QueryRecord back = log.find(r.id()).orElseThrow();
      assertThat(back.response()).isEqualTo(stored);
      assertThat(back.error()).isEqualTo(stored);
      assertThat(back.messages().getLast().content()).isEqualTo(stored);
      assertThat(back.context()).containsEntry("note" + stored, stored);
    }
  }

  @Test
  void nanosecondsAreTruncatedToPostgresMicroseconds() {
    Instant at = Instant.parse("2026-11-26T10:15:30.123456789Z");
    QueryRecord record = QueryRecords.full(UUID.randomUUID(), at);
    log.append(record);
    assertThat(log.find(record.id()).orElseThrow().createdAt())
        .isEqualTo(Instant.parse("2026-11-26T10:15:30.123456Z"));
  }

  @Test
  void secondAppendWithSameIdIsIgnored() throws SQLException {
    UUID id = UUID.randomUUID();
    Instant at = now();
    log.append(QueryRecords.full(id, at));
    QueryRecord changed = QueryRecords.sparse(id, at);
    log.append(changed);
    assertThat(log.find(id).orElseThrow().query()).isEqualTo("When is the tax deadline?");
    assertThat(rowsWithId(id)).isEqualTo(1);
  }

  @Test
  void unknownIdIsEmpty() {
    assertThat(log.find(UUID.randomUUID())).isEmpty();
  }

  @Test
  void rowLandsInItsMonthlyPartitionNotDefault() throws SQLException {
    QueryRecord record = QueryRecords.full(UUID.randomUUID(), now());
    log.append(record);
    assertThat(partitionOf(record.id())).startsWith("nyx_synthetic_specialist_queries_y");
  }

  @Test
  void rowOutsideEveryPartitionGoesToDefault() throws SQLException {
    QueryRecord old = QueryRecords.full(UUID.randomUUID(), Instant.parse("2001-02-03T04:05:06Z"));
    log.append(old);
    assertThat(partitionOf(old.id())).isEqualTo("nyx_synthetic_specialist_queries_default");
    assertThat(log.find(old.id())).contains(old);
  }

  private static long rowsWithId(UUID id) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM nyx_synthetic_specialist_queries WHERE id = ?")) {
      s.setObject(1, id);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static String partitionOf(UUID id) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT tableoid::regclass::text FROM nyx_synthetic_specialist_queries WHERE id = ?")) {
      s.setObject(1, id);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
