package io.nyx.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitWeight;
import io.nyx.persistence.Database;
import io.nyx.pipeline.Feedback;
import io.nyx.pipeline.FeedbackStore.Applied;
import io.nyx.pipeline.FeedbackStore.EvidenceBudget;
import io.nyx.pipeline.FeedbackStore.TraitEffect;
import io.nyx.security.Caller;
import io.nyx.testing.QueryRecords;
import io.nyx.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
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
    log.append(QueryRecords.full(id, Instant.now().truncatedTo(ChronoUnit.MICROS)));
    return id;
  }

  private static Feedback rating(UUID queryId, double rating) {
    return rating(queryId, rating, "rater-" + UUID.randomUUID());
  }

  private static Feedback rating(UUID queryId, double rating, String rater) {
    return new Feedback(
        UUID.randomUUID(),
        queryId,
        rating,
        "helpful",
        Instant.now(),
        rater,
        new Caller("acme", rater, false));
  }

  /** A reward that ignores the ratings. */
  private static ToDoubleFunction<List<Double>> fixed(double reward) {
    return ratings -> reward;
  }

  @Test
  void appliesRewardFeedbackAndTraitTogether() throws SQLException {
    traits.ensure("fb-kairos", 0.5, 0.0, 1.0);
    UUID query = loggedQuery();
    Applied a = feedback.apply(rating(query, 0.8), fixed(0.75), "fb-kairos", TWO_WINS, null);
    assertThat(a.effect()).isEqualTo(TraitEffect.OBSERVED);
    assertThat(a.trait()).map(TraitWeight::weight).contains(6.0 / 11);
    assertThat(log.find(query).orElseThrow().reward()).isEqualTo(0.75);
    assertThat(feedbackRows(query)).isEqualTo(1);
    assertThat(traits.history("fb-kairos", 1).get(0).source()).isEqualTo("feedback");
  }

  /**
   * Eight raters at once: each computes the reward from every rating committed before it, under the
   * row lock, so the last one sees all eight (an unlocked read-then-write lost some).
   */
  @Test
  void concurrentRatersAreAllFoldedIn() throws Exception {
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
                    feedback.apply(
                        rating(query, 0.5), r -> start + 0.125 * r.size(), null, TWO_WINS, null);
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
    Applied a = feedback.apply(rating(query, -1.0), fixed(-0.5), null, TWO_WINS, null);
    assertThat(a.trait()).isEmpty();
    assertThat(a.effect()).isEqualTo(TraitEffect.NO_TRAIT);
    assertThat(log.find(query).orElseThrow().reward()).isEqualTo(-0.5);
    assertThat(feedbackRows(query)).isEqualTo(1);
  }

  @Test
  void unknownQueryWritesNothing() throws SQLException {
    traits.ensure("fb-untouched", 0.5, 0.0, 1.0);
    UUID unknown = UUID.randomUUID();
    assertThatThrownBy(
            () -> feedback.apply(rating(unknown, 1.0), fixed(1.0), "fb-untouched", TWO_WINS, null))
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
    assertThatThrownBy(
            () -> feedback.apply(rating(query, 0.5), fixed(0.9), "no-such-trait", TWO_WINS, null))
        .isInstanceOf(NoSuchElementException.class);
    assertThat(log.find(query).orElseThrow().reward()).isEqualTo(before);
    assertThat(feedbackRows(query)).isZero();
  }

  @Test
  void retriedFeedbackIsAppliedOnce() throws SQLException {
    traits.ensure("fb-once", 0.5, 0.0, 1.0);
    UUID query = loggedQuery();
    Feedback f = rating(query, 1.0);
    feedback.apply(f, fixed(0.9), "fb-once", TWO_WINS, null);
    Applied again = feedback.apply(f, fixed(0.9), "fb-once", TWO_WINS, null);
    assertThat(again.effect()).isEqualTo(TraitEffect.ALREADY_RATED);
    assertThat(again.trait()).map(TraitWeight::weight).contains(6.0 / 11);
    assertThat(log.find(query).orElseThrow().reward()).isEqualTo(0.9);
    assertThat(feedbackRows(query)).isEqualTo(1);
    assertThat(traits.history("fb-once", 10)).hasSize(1);
  }

  /**
   * The attack of issue 14: one key rating the same answer again and again. Its later rating
   * replaces the first on the answer, and the trait hears the key once.
   */
  @Test
  void aRaterHasOneRatingPerAnswerAndTheTraitHearsItOnce() throws SQLException {
    traits.ensure("fb-replace", 0.5, 0.0, 1.0);
    UUID query = loggedQuery();
    List<List<Double>> seen = new java.util.ArrayList<>();
    ToDoubleFunction<List<Double>> fold =
        r -> {
          seen.add(List.copyOf(r));
          return r.getLast();
        };
    for (int i = 0; i < 22; i++) {
      feedback.apply(rating(query, -1.0, "mallory"), fold, "fb-replace", TWO_WINS, null);
    }
    Applied last =
        feedback.apply(rating(query, 0.5, "mallory"), fold, "fb-replace", TWO_WINS, null);
    assertThat(last.effect()).isEqualTo(TraitEffect.ALREADY_RATED);
    assertThat(seen.getLast()).containsExactly(0.5);
    assertThat(log.find(query).orElseThrow().reward()).isEqualTo(0.5);
    assertThat(feedbackRows(query)).isEqualTo(1);
    assertThat(traits.history("fb-replace", 100)).hasSize(1);
  }

  /**
   * One rater rating many answers: once its ratings added its budget of evidence to the trait
   * within the window, a rating still sets its answer's reward but leaves the trait alone. Another
   * rater has a budget of its own.
   */
  @Test
  void aRatersBudgetOfEvidenceStopsItTellingTheTraitMore() throws SQLException {
    traits.ensure("fb-budget", 0.5, 0.0, 1.0);
    EvidenceBudget budget = new EvidenceBudget(2, java.time.Duration.ofHours(1));
    List<TraitEffect> effects = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      UUID query = loggedQuery();
      Feedback f = rating(query, -1.0, "mallory");
      effects.add(feedback.apply(f, fixed(-0.7), "fb-budget", TWO_WINS, budget).effect());
      assertThat(log.find(query).orElseThrow().reward()).isEqualTo(-0.7);
    }
    // TWO_WINS is one observation: two fit the budget of 2, then it is spent.
    assertThat(effects)
        .containsExactly(
            TraitEffect.OBSERVED,
            TraitEffect.OBSERVED,
            TraitEffect.BUDGET_SPENT,
            TraitEffect.BUDGET_SPENT);
    assertThat(traits.history("fb-budget", 100)).hasSize(2);
    Feedback other = rating(loggedQuery(), -1.0, "trent");
    assertThat(feedback.apply(other, fixed(-0.7), "fb-budget", TWO_WINS, budget).effect())
        .isEqualTo(TraitEffect.OBSERVED);
  }

  @Test
  void ratingOutsideRangeIsRejected() {
    UUID query = loggedQuery();
    assertThatThrownBy(() -> feedback.apply(rating(query, 1.5), fixed(0.0), null, TWO_WINS, null))
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
