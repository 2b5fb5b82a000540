package io.nyx.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.backend.ChatMessage;
import io.nyx.pipeline.QueryLog;
import io.nyx.pipeline.QueryRecord;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
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

  /** A database stand-in that can be switched off; idempotent by id like the real one. */
  static final class Switchable implements QueryLog {
    final Map<UUID, QueryRecord> rows = new LinkedHashMap<>();
    final List<UUID> order = new ArrayList<>();
    volatile boolean down;

    @Override
    public synchronized void append(QueryRecord r) {
      if (down) {
        throw new StoreException("append", new SQLException("connection refused"));
      }
      if (rows.putIfAbsent(r.id(), r) == null) {
        order.add(r.id());
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
        null);
  }

  private DurableQueryLog log(Switchable db) {
    return new DurableQueryLog(db, dir, Duration.ofHours(1));
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
    try (DurableQueryLog log = new DurableQueryLog(db, blocked, Duration.ofHours(1))) {
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
    try (DurableQueryLog log = new DurableQueryLog(db, spoolDir, Duration.ofHours(1))) {
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
      try (DurableQueryLog log = new DurableQueryLog(real, dir, Duration.ofHours(1))) {
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
    QueryRecord odd = Records.answered(new UUID(0, 42), row(1).createdAt(), "x\u0000y\uDC00");
    try (Database pg = TestDatabase.fresh()) {
      JdbcQueryLog real = new JdbcQueryLog(pg.dataSource());
      Switchable gate = new Switchable();
      gate.down = true;
      try (DurableQueryLog log = log(gate)) {
        log.append(row(1));
        log.append(odd);
        log.append(row(2));
      }
      try (DurableQueryLog log = new DurableQueryLog(real, dir, Duration.ofHours(1))) {
        assertThat(log.replayNow()).isTrue();
      }
      assertThat(real.find(odd.id()).orElseThrow().response()).isEqualTo("x\uFFFDy\uFFFD");
      assertThat(real.find(row(2).id())).contains(row(2));
    }
  }
}
