package io.nyx.persistence.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.backend.ChatMessage;
import io.nyx.persistence.Database;
import io.nyx.persistence.StoreException;
import io.nyx.persistence.jdbc.JdbcQueryLog;
import io.nyx.pipeline.QueryLog;
import io.nyx.pipeline.QueryRecord;
import io.nyx.testing.QueryRecords;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableQueryLogTest {
  @TempDir Path dir;

  /** Held here: the log manager keeps loggers only weakly, and with them the handler added. */
  private static final java.util.logging.Logger SPOOL_LOG =
      java.util.logging.Logger.getLogger(ReplaySpool.class.getName());

  static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-12-01T08:00:00Z"));

  /**
   * A database stand-in that can be switched off; idempotent by id like the real one. It refuses
   * the rows in {@code poisoned} for good, as PostgreSQL refuses a NUL (SQLSTATE 22021), and the
   * rows in {@code awayOnce} once as an outage would; a batch is all or nothing, like a
   * transaction.
   */
  static final class Switchable implements QueryLog {
    final Map<UUID, QueryRecord> rows = new LinkedHashMap<>();
    final List<UUID> order = new ArrayList<>();
    final java.util.Set<UUID> poisoned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final java.util.Set<UUID> awayOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
    int batches;
    volatile boolean down;

    @Override
    public synchronized void append(QueryRecord r) {
      check(r);
      if (rows.putIfAbsent(r.id(), r) == null) {
        order.add(r.id());
      }
    }

    @Override
    public synchronized void appendAll(List<QueryRecord> records) {
      batches++;
      records.forEach(this::check);
      records.forEach(this::append);
    }

    private void check(QueryRecord r) {
      if (down || awayOnce.remove(r.id())) {
        throw new StoreException(
            "append", new SQLException("Connection to localhost:5432 refused", "08001"));
      }
      if (poisoned.contains(r.id())) {
        throw new StoreException(
            "append of query " + r.id(),
            new SQLException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00", "22021"));
      }
    }

    @Override
    public synchronized Optional<QueryRecord> find(UUID id) {
      if (down) {
        throw new StoreException("find", new SQLException("connection refused"));
      }
      return Optional.ofNullable(rows.get(id));
    }
  }

  static QueryRecord row(int i) {
    return new QueryRecord(
        new UUID(0, i),
        Instant.parse("2026-11-27T10:00:00.123456Z").plusSeconds(i),
        "s",
        "query " + i,
        i % 2 == 0 ? "kairos" : null,
        "kairos",
        "semantic",
        0.7,
        Map.of("scores", Map.of("kairos", 0.7)),
        List.of(ChatMessage.system("sys"), ChatMessage.user("query " + i)),
        Map.of("temperature", 0.2),
        Map.of("items", List.of()),
        "answer " + i,
        "stop",
        0.9,
        0.8,
        10,
        5,
        30,
        20,
        "ok",
        null,
        "local",
        null);
  }

  private DurableQueryLog log(Switchable db) {
    return new DurableQueryLog(db, dir, Duration.ofHours(1), CLOCK);
  }

  @Test
  void rowsGoStraightToTheDatabaseWhileItAnswers() {
    Switchable db = new Switchable();
    try (DurableQueryLog log = log(db)) {
      log.append(row(1));
      assertThat(db.rows).containsKey(row(1).id());
      assertThat(log.pending()).isZero();
      assertThat(Files.exists(dir.resolve("queries.spool"))).isFalse();
    }
  }

  @Test
  void whileDownRowsAreSpooledFindableAndReplayedInOrderExactlyOnce() {
    Switchable db = new Switchable();
    try (DurableQueryLog log = log(db)) {
      log.append(row(1));
      db.down = true;
      for (int i = 2; i <= 5; i++) {
        log.append(row(i));
      }
      assertThat(log.pending()).isEqualTo(4);
      assertThat(log.find(row(3).id())).contains(row(3));
      assertThat(log.replayNow()).isFalse();
      db.down = false;
      log.append(row(6)); // queues behind the spool, keeping the order
      assertThat(db.rows).doesNotContainKey(row(6).id());
      assertThat(log.replayNow()).isTrue();
      assertThat(db.order)
          .containsExactly(
              row(1).id(), row(2).id(), row(3).id(), row(4).id(), row(5).id(), row(6).id());
      assertThat(db.rows.get(row(4).id())).isEqualTo(row(4));
      assertThat(log.pending()).isZero();
      assertThat(log.replayNow()).isTrue();
      assertThat(db.order).hasSize(6);
    }
  }

  @Test
  void aSpoolLeftByACrashIsReplayedAtTheNextStartAndATornTailIsCut() throws IOException {
    Switchable db = new Switchable();
    db.down = true;
    DurableQueryLog first = log(db);
    first.append(row(1));
    first.append(row(2));
    // no close(): the process died; a half-written frame follows the two good ones
    Files.write(
        dir.resolve("queries.spool"), new byte[] {0, 0, 1, 0, 9, 9}, StandardOpenOption.APPEND);
    try (DurableQueryLog second = log(db)) {
      second.append(row(3)); // lands after the cut, not after the garbage
      assertThat(second.pending()).isEqualTo(3);
      db.down = false;
      assertThat(second.replayNow()).isTrue();
    }
    assertThat(Files.exists(dir.resolve("queries.spool"))).isFalse();
    assertThat(db.order).containsExactly(row(1).id(), row(2).id(), row(3).id());
  }

  @Test
  void anUnwritableSpoolIsAClearErrorAndNothingIsAcknowledged() throws IOException {
    Path blocked = dir.resolve("not-a-dir");
    Files.writeString(blocked, "x");
    Switchable db = new Switchable();
    db.down = true;
    try (DurableQueryLog log = new DurableQueryLog(db, blocked, Duration.ofHours(1), CLOCK)) {
      assertThatThrownBy(() -> log.append(row(1)))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("spool append")
          .hasMessageContaining("database also down");
      assertThat(log.pending()).isZero();
    }
  }

  /**
   * A disk that is full when the spool is written to (the spool file is /dev/full, whose writes
   * fail with ENOSPC): the append is refused with a clear error, so the answer is not acknowledged,
   * and the rows spooled before it are intact and replayed.
   */
  @Test
  void aFullDiskRefusesTheRowAndKeepsTheSpoolIntact() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")));
    Switchable db = new Switchable();
    db.down = true;
    Path spoolDir = dir.resolve("spool");
    Path spool = spoolDir.resolve("queries.spool");
    Path saved = dir.resolve("saved.spool");
    try (DurableQueryLog log = new DurableQueryLog(db, spoolDir, Duration.ofHours(1), CLOCK)) {
      log.append(row(1));
      log.append(row(2));
      Files.move(spool, saved);
      Files.createSymbolicLink(spool, Path.of("/dev/full")); // the disk is full from here on
      assertThatThrownBy(() -> log.append(row(3)))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("spool append")
          .hasRootCauseMessage("No space left on device");
      assertThat(log.pending()).isEqualTo(2);
      Files.delete(spool);
      Files.move(saved, spool); // space again (before close, whose replay reads the spool)
      db.down = false;
    }
    assertThat(db.order).containsExactly(row(1).id(), row(2).id());
  }

  @Test
  void spooledRowsRoundTripIntoPostgreSQL() {
    try (Database pg = TestDatabase.fresh()) {
      JdbcQueryLog real = new JdbcQueryLog(pg.dataSource());
      Switchable gate = new Switchable();
      gate.down = true;
      try (DurableQueryLog log = log(gate)) {
        log.append(row(7));
        log.append(row(8));
      }
      try (DurableQueryLog log = new DurableQueryLog(real, dir, Duration.ofHours(1), CLOCK)) {
        assertThat(log.replayNow()).isTrue();
      }
      assertThat(real.find(row(7).id())).contains(row(7));
      assertThat(real.find(row(8).id())).contains(row(8));
    }
  }

  /**
   * A row whose model output holds U+0000 and a lone surrogate, spooled while the database was
   * away, lands when it is back (with U+FFFD in their place) instead of blocking the spool.
   */
  @Test
  void aSpooledRowWithUnstorableModelOutputReplaysIntoPostgreSQL() {
    QueryRecord odd = QueryRecords.answered(new UUID(0, 42), row(1).createdAt(), "x\u0000y\uDC00");
    try (Database pg = TestDatabase.fresh()) {
      JdbcQueryLog real = new JdbcQueryLog(pg.dataSource());
      Switchable gate = new Switchable();
      gate.down = true;
      try (DurableQueryLog log = log(gate)) {
        log.append(row(1));
        log.append(odd);
        log.append(row(2));
      }
      try (DurableQueryLog log = new DurableQueryLog(real, dir, Duration.ofHours(1), CLOCK)) {
        assertThat(log.replayNow()).isTrue();
      }
      assertThat(real.find(odd.id()).orElseThrow().response()).isEqualTo("x\uFFFDy\uFFFD");
      assertThat(real.find(row(2).id())).contains(row(2));
    }
  }

  private static List<UUID> ids(int... rows) {
    List<UUID> ids = new ArrayList<>();
    for (int i : rows) {
      ids.add(row(i).id());
    }
    return ids;
  }

  /**
   * A spooled row the database refuses for good (a NUL from before the API refused them, a
   * constraint) used to be retried forever at the head of the spool, every later row queued behind
   * it, while the spool counted as an outage. It goes to the dead-letter file, logged and counted,
   * and the rows behind it land in order.
   */
  @Test
  void aPoisonedFrameBetweenGoodOnesIsDeadLetteredAndTheRestReplayInOrder() throws IOException {
    Switchable db = new Switchable();
    db.poisoned.add(row(3).id());
    List<java.util.logging.LogRecord> logged = captureLog();
    try (DurableQueryLog log = log(db)) {
      db.down = true;
      for (int i = 1; i <= 5; i++) {
        log.append(row(i));
      }
      db.down = false;
      assertThat(log.replayNow()).isTrue();
      assertThat(db.order).containsExactlyElementsOf(ids(1, 2, 4, 5));
      assertThat(log.pending()).isZero();
      assertThat(log.spoolState().deadLettered()).isEqualTo(1);
      assertThat(log.spoolState().deadLetters()).isEqualTo(1);
    }
    DeadLetter d = DeadLetters.list(dir).getFirst();
    assertThat(DeadLetters.list(dir)).hasSize(1);
    assertThat(d.spool()).isEqualTo("rows");
    assertThat(d.frameId()).isEqualTo(row(3).id().toString());
    assertThat(d.sqlState()).isEqualTo("22021");
    assertThat(d.error()).contains("0x00");
    assertThat(d.at()).isEqualTo(CLOCK.instant());
    assertThat(QueryRecordCodec.decode(d.frame())).isEqualTo(row(3));
    assertThat(logged)
        .anySatisfy(
            r -> {
              assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.SEVERE);
              assertThat(r.getMessage())
                  .contains("rows spool")
                  .contains(row(3).id().toString())
                  .contains("SQLSTATE 22021")
                  .contains("queries.spool.dead");
            });
  }

  /** The same across a restart: the spool a previous run left replays past its poisoned frame. */
  @Test
  void aPoisonedFrameLeftByAPreviousRunIsDeadLetteredAtTheNextStart() {
    Switchable db = new Switchable();
    db.poisoned.add(row(2).id());
    db.down = true;
    DurableQueryLog first = log(db);
    first.append(row(1));
    first.append(row(2));
    first.append(row(3));
    first.close(); // its last replay finds the database still away
    db.down = false;
    try (DurableQueryLog second = log(db)) {
      assertThat(second.pending()).isEqualTo(3);
      assertThat(second.replayNow()).isTrue();
      assertThat(db.order).containsExactlyElementsOf(ids(1, 3));
      assertThat(second.spoolState().deadLettered()).isEqualTo(1);
    }
    try (DurableQueryLog third = log(db)) {
      assertThat(third.spoolState().deadLetters()).as("kept across starts").isEqualTo(1);
      assertThat(third.spoolState().deadLettered()).as("counted by this run").isZero();
    }
  }

  /** A batch of 500 refused for good is split: only its poisoned rows are set aside. */
  @Test
  void aBatchRefusedForGoodIsSplitSoOnlyThePoisonedFramesAreDeadLettered() {
    Switchable db = new Switchable();
    db.poisoned.addAll(ids(10, 700));
    try (DurableQueryLog log = log(db)) {
      db.down = true;
      for (int i = 1; i <= 1_200; i++) {
        log.append(row(i));
      }
      db.down = false;
      assertThat(log.replayNow()).isTrue();
      assertThat(log.spoolState().deadLettered()).isEqualTo(2);
    }
    List<UUID> expected = new ArrayList<>();
    for (int i = 1; i <= 1_200; i++) {
      if (i != 10 && i != 700) {
        expected.add(row(i).id());
      }
    }
    assertThat(db.order).containsExactlyElementsOf(expected);
    assertThat(db.batches).as("whole batches where none is poisoned").isLessThan(10);
  }

  /**
   * An outage part-way through a replay keeps the rest in the spool, and the frames already written
   * or dead-lettered are not tried again: nothing is dead-lettered twice.
   */
  @Test
  void anOutageMidReplayKeepsTheRestAndDeadLettersNothingTwice() {
    Switchable db = new Switchable();
    db.poisoned.add(row(2).id());
    db.awayOnce.add(row(4).id());
    try (DurableQueryLog log = log(db)) {
      db.down = true;
      for (int i = 1; i <= 5; i++) {
        log.append(row(i));
      }
      db.down = false;
      assertThat(log.replayNow()).isFalse();
      assertThat(log.pending()).isEqualTo(2);
      assertThat(log.replayNow()).isTrue();
      assertThat(db.order).containsExactlyElementsOf(ids(1, 3, 4, 5));
      assertThat(log.spoolState().deadLetters()).isEqualTo(1);
    }
    assertThat(DeadLetters.list(dir)).hasSize(1);
  }

  /**
   * A direct write the database refuses for good is dead-lettered at once, not spooled: the rows
   * after it go straight to the database instead of queueing behind it forever.
   */
  @Test
  void aDirectWriteRefusedForGoodIsDeadLetteredNotSpooled() {
    Switchable db = new Switchable();
    db.poisoned.add(row(1).id());
    try (DurableQueryLog log = log(db)) {
      log.append(row(1)); // the exchange happened; its row is kept on disk
      assertThat(log.pending()).isZero();
      log.append(row(2));
      assertThat(db.order).containsExactlyElementsOf(ids(2));
      assertThat(log.spoolState().deadLettered()).isEqualTo(1);
    }
    assertThat(Files.exists(dir.resolve("queries.spool"))).isFalse();
    assertThat(DeadLetters.list(dir))
        .singleElement()
        .satisfies(d -> assertThat(d.frameId()).isEqualTo(row(1).id().toString()));
  }

  /**
   * Through a real PostgreSQL: a row a constraint refuses (SQLSTATE class 23) inside a replay batch
   * is dead-lettered with its SQLSTATE, and the rows around it land.
   */
  @Test
  void aRowARealConstraintRefusesIsDeadLetteredAndTheBatchAroundItLands() throws SQLException {
    String name = TestDatabase.createEmpty();
    try (Database pg = TestDatabase.asOwner(name);
        java.sql.Connection c = pg.dataSource().getConnection();
        java.sql.Statement s = c.createStatement()) {
      s.execute(
          "ALTER TABLE nyx_synthetic_specialist_queries"
              + " ADD CONSTRAINT test_poison CHECK (query <> 'query 2')");
      Switchable gate = new Switchable();
      gate.down = true;
      try (DurableQueryLog log = log(gate)) {
        for (int i = 1; i <= 3; i++) {
          log.append(row(i));
        }
      }
      JdbcQueryLog real = new JdbcQueryLog(pg.dataSource());
      try (DurableQueryLog log = new DurableQueryLog(real, dir, Duration.ofHours(1), CLOCK)) {
        assertThat(log.replayNow()).isTrue();
      }
      assertThat(real.find(row(1).id())).contains(row(1));
      assertThat(real.find(row(3).id())).contains(row(3));
      assertThat(real.find(row(2).id())).isEmpty();
      assertThat(DeadLetters.list(dir))
          .singleElement()
          .satisfies(d -> assertThat(d.sqlState()).isEqualTo("23514"));
    }
  }

  /** The records ReplaySpool logs from here on (it logs at SEVERE when it dead-letters). */
  private static List<java.util.logging.LogRecord> captureLog() {
    List<java.util.logging.LogRecord> records =
        java.util.Collections.synchronizedList(new ArrayList<>());
    SPOOL_LOG.addHandler(
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
    return records;
  }

  @Test
  void aSpooledFrameKeepsToolCalls() throws IOException {
    QueryRecord row = QueryRecords.withTools(new UUID(0, 77), row(1).createdAt());
    assertThat(QueryRecordCodec.decode(QueryRecordCodec.encode(row))).isEqualTo(row);
  }
}
