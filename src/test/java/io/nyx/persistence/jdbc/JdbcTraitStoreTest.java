package io.nyx.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nyx.learning.TraitChange;
import io.nyx.learning.TraitWeight;
import io.nyx.persistence.Database;
import io.nyx.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcTraitStoreTest {
  private static Database db;
  private static JdbcTraitStore traits;

  @BeforeAll
  static void open() {
    db = TestDatabase.fresh();
    traits = new JdbcTraitStore(db.dataSource());
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void ensureCreatesOnceAndNeverOverwrites() {
    traits.ensure("mnemosyne", 0.5, 0.0, 1.0);
    traits.ensure("mnemosyne", 0.9, 0.2, 0.95);
    TraitWeight w = traits.find("mnemosyne").orElseThrow();
    assertThat(w.weight()).isEqualTo(0.5);
    assertThat(w.min()).isEqualTo(0.0);
    assertThat(w.max()).isEqualTo(1.0);
    assertThat(traits.all()).containsKey("mnemosyne");
  }

  @Test
  void ensureRejectsInitialOutsideBounds() {
    assertThatThrownBy(() -> traits.ensure("bad", 2.0, 0.0, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial weight");
    assertThat(traits.find("bad")).isEmpty();
  }

  @Test
  void updateAddsDeltaAndRecordsHistory() {
    traits.ensure("moira", 0.5, 0.0, 1.0);
    TraitWeight w = traits.update("moira", 0.125, "reward", "grounded answer");
    assertThat(w.weight()).isEqualTo(0.625);
    TraitChange last = traits.history("moira", 10).get(0);
    assertThat(last)
        .extracting(
            TraitChange::oldWeight,
            TraitChange::newWeight,
            TraitChange::delta,
            TraitChange::source,
            TraitChange::reason)
        .containsExactly(0.5, 0.625, 0.125, "reward", "grounded answer");
  }

  @Test
  void updateIsClippedToBoundsAndHistoryKeepsAskedDelta() {
    traits.ensure("kairos", 0.9, 0.1, 1.0);
    assertThat(traits.update("kairos", 0.5, "reward", "").weight()).isEqualTo(1.0);
    assertThat(traits.update("kairos", -5.0, "reward", "").weight()).isEqualTo(0.1);
    List<TraitChange> history = traits.history("kairos", 10);
    assertThat(history).hasSize(2);
    assertThat(history.get(0)) // newest first
        .extracting(TraitChange::oldWeight, TraitChange::newWeight, TraitChange::delta)
        .containsExactly(1.0, 0.1, -5.0);
    assertThat(history.get(1))
        .extracting(TraitChange::oldWeight, TraitChange::newWeight, TraitChange::delta)
        .containsExactly(0.9, 1.0, 0.5);
  }

  @Test
  void setSteersWithinBoundsAndIsRecorded() {
    traits.ensure("eleos", 0.5, 0.0, 2.0);
    assertThat(traits.set("eleos", 1.5, "operator", "more care").weight()).isEqualTo(1.5);
    assertThat(traits.set("eleos", 9.0, "operator", "").weight()).isEqualTo(2.0);
    assertThat(traits.history("eleos", 1).get(0))
        .extracting(
            TraitChange::oldWeight, TraitChange::newWeight, TraitChange::delta, TraitChange::source)
        .containsExactly(1.5, 2.0, 7.5, "operator");
  }

  @Test
  void historyLimitIsHonoured() {
    traits.ensure("limited", 0.0, -1.0, 1.0);
    for (int i = 0; i < 5; i++) {
      traits.update("limited", 0.01, "reward", "step " + i);
    }
    assertThat(traits.history("limited", 3))
        .extracting(TraitChange::reason)
        .containsExactly("step 4", "step 3", "step 2");
  }

  @Test
  void unknownTraitIsNoSuchElementForUpdateAndSet() {
    assertThatThrownBy(() -> traits.update("nobody", 0.1, "reward", ""))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("nobody");
    assertThatThrownBy(() -> traits.set("nobody", 0.1, "operator", ""))
        .isInstanceOf(NoSuchElementException.class);
    assertThat(traits.history("nobody", 10)).isEmpty();
  }

  @Test
  void nonFiniteDeltaIsRejectedInJavaAndInSql() throws SQLException {
    traits.ensure("finite", 0.5, 0.0, 1.0);
    assertThatThrownBy(() -> traits.update("finite", Double.NaN, "reward", ""))
        .isInstanceOf(IllegalArgumentException.class);
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT update_trait_weight('finite', 'NaN'::float8, 'x')")) {
      assertThatThrownBy(s::executeQuery)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22023"));
    }
    assertThat(traits.find("finite").orElseThrow().weight()).isEqualTo(0.5);
  }

  /** 8 connections racing on one row: a lost update would show as a smaller sum. */
  @Test
  void concurrentUpdatesLoseNothing() throws Exception {
    traits.ensure("race", 0.0, -100.0, 100.0);
    int threads = 8;
    int perThread = 250;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> updateMany(start, perThread)));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(traits.find("race").orElseThrow().weight()).isCloseTo(2.0, within(1e-9));
    assertThat(historyRows("race")).isEqualTo((long) threads * perThread);
  }

  /** Each worker holds its own connection for the whole run (8 = the pool size). */
  private static Void updateMany(CountDownLatch start, int times) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT update_trait_weight('race', 0.001, 'test', 'race')")) {
      start.await();
      for (int i = 0; i < times; i++) {
        s.executeQuery().close();
      }
    }
    return null;
  }

  private static long historyRows(String name) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT count(*) FROM nyx_trait_weight_history WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
