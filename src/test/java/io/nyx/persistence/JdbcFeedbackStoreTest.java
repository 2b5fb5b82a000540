package io.nyx.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitWeight;
import io.nyx.pipeline.Feedback;
import io.nyx.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcFeedbackStoreTest {
  /** Beta(5, 5) (prior 0.5, strength 10) + 1 of 1 -> mean 6/11, within one max step. */
  static final TraitEvidence TWO_WINS = new TraitEvidence(1, 1);

  private static Database db;
  private static JdbcQueryLog log;
  private static JdbcTraitStore traits;
  private static JdbcFeedbackStore feedback;

  @BeforeAll
  static void open() {
    db = TestDatabase.fresh();
    log = new JdbcQueryLog(db.dataSource());
    traits = new JdbcTraitStore(db.dataSource());
    feedback = new JdbcFeedbackStore(db.dataSource());
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static UUID loggedQuery() {
    UUID id = UUID.randomUUID();
    log.append(Records.full(id, Instant.now().truncatedTo(ChronoUnit.MICROS)));
    return id;
  }

  private static Feedback rating(UUID queryId, double rating) {
    return new Feedback(UUID.randomUUID(), queryId, rating, "helpful", Instant.now());
  }

  @Test
  void appliesRewardFeedbackAndTraitTogether() throws SQLException {
    traits.ensure("fb-kairos", 0.5, 0.0, 1.0);
    UUID query = loggedQuery();
    Feedback f = rating(query, 0.8);
    Optional<TraitWeight> w = feedback.apply(f, 0.75, "fb-kairos", TWO_WINS);
    assertThat(w).map(TraitWeight::weight).contains(6.0 / 11);
    assertThat(log.find(query).orElseThrow().reward()).isEqualTo(0.75);
    assertThat(feedbackRows(query)).isEqualTo(1);
    assertThat(traits.history("fb-kairos", 1).get(0).source()).isEqualTo("feedback");
  }

  /**
   * Eight ratings of one answer at once: each blends the reward it finds under the row lock, so
   * none overwrites another (an unlocked read-then-write kept only some of the increments).
   */
  @Test
  void concurrentFeedbackOnOneAnswerBlendsInTurn() throws Exception {
    UUID query = loggedQuery();
    double start = log.find(query).orElseThrow().reward();
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    java.util.List<Thread> threads = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    feedback.apply(rating(query, 0.5), current -> current + 0.125, null, TWO_WINS);
                  }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(log.find(query).orElseThrow().reward()).isEqualTo(start + 1.0);
    assertThat(feedbackRows(query)).isEqualTo(8);
  }

  @Test
  void withoutTraitOnlyRewardAndFeedbackChange() throws SQLException {
    UUID query = loggedQuery();
    assertThat(feedback.apply(rating(query, -1.0), -0.5, null, TWO_WINS)).isEmpty();
    assertThat(log.find(query).orElseThrow().reward()).isEqualTo(-0.5);
    assertThat(feedbackRows(query)).isEqualTo(1);
  }

  @Test
  void unknownQueryWritesNothing() throws SQLException {
    traits.ensure("fb-untouched", 0.5, 0.0, 1.0);
    UUID unknown = UUID.randomUUID();
    assertThatThrownBy(() -> feedback.apply(rating(unknown, 1.0), 1.0, "fb-untouched", TWO_WINS))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining(unknown.toString());
    assertThat(feedbackRows(unknown)).isZero();
    assertThat(traits.find("fb-untouched").orElseThrow().weight()).isEqualTo(0.5);
    assertThat(traits.history("fb-untouched", 10)).isEmpty();
  }

  @Test
  void unknownTraitRollsBackRewardAndFeedback() throws SQLException {
    UUID query = loggedQuery();
    double before = log.find(query).orElseThrow().reward();
    assertThatThrownBy(() -> feedback.apply(rating(query, 0.5), 0.9, "no-such-trait", TWO_WINS))
        .isInstanceOf(NoSuchElementException.class);
    assertThat(log.find(query).orElseThrow().reward()).isEqualTo(before);
    assertThat(feedbackRows(query)).isZero();
  }

  @Test
  void retriedFeedbackIsAppliedOnce() throws SQLException {
    traits.ensure("fb-once", 0.5, 0.0, 1.0);
    UUID query = loggedQuery();
    Feedback f = rating(query, 1.0);
    feedback.apply(f, 0.9, "fb-once", TWO_WINS);
    Optional<TraitWeight> again = feedback.apply(f, 0.2, "fb-once", TWO_WINS);
    assertThat(again).map(TraitWeight::weight).contains(6.0 / 11);
    assertThat(log.find(query).orElseThrow().reward()).isEqualTo(0.9);
    assertThat(feedbackRows(query)).isEqualTo(1);
    assertThat(traits.history("fb-once", 10)).hasSize(1);
  }

  @Test
  void ratingOutsideRangeIsRejected() {
    UUID query = loggedQuery();
    assertThatThrownBy(() -> feedback.apply(rating(query, 1.5), 0.0, null, TWO_WINS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static long feedbackRows(UUID queryId) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT count(*) FROM nyx_feedback WHERE query_id = ?")) {
      s.setObject(1, queryId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
