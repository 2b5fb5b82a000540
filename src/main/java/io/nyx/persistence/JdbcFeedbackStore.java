package io.nyx.persistence;

import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitWeight;
import io.nyx.pipeline.Feedback;
import io.nyx.pipeline.FeedbackStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.DoubleUnaryOperator;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link FeedbackStore} in one transaction: the query's reward, the feedback row and the trait
 * posterior update commit together or not at all.
 *
 * <p>A feedback id seen before is a client retry: nothing is applied a second time (the trait would
 * otherwise move twice) and the trait's current weight is returned. Thread-safe.
 */
public final class JdbcFeedbackStore implements FeedbackStore {
  private static final String LOCK_REWARD =
      "SELECT reward FROM nyx_synthetic_specialist_queries WHERE id = ? FOR UPDATE";
  private static final String SET_REWARD =
      "UPDATE nyx_synthetic_specialist_queries SET reward = ? WHERE id = ?";
  private static final String INSERT =
      """
      INSERT INTO nyx_feedback (id, query_id, rating, comment, created_at)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
      """;

  private final DataSource dataSource;
  private final JdbcTraitStore traits;

  public JdbcFeedbackStore(DataSource dataSource) {
    this.dataSource = dataSource;
    this.traits = new JdbcTraitStore(dataSource);
  }

  @Override
  public Applied apply(
      Feedback feedback,
      DoubleUnaryOperator blend,
      @Nullable String trait,
      TraitEvidence evidence) {
    requireValid(feedback);
    Done done =
        Sql.inTransaction(
            dataSource,
            "feedback " + feedback.id() + " on query " + feedback.queryId(),
            c -> applyIn(c, feedback, blend, trait, evidence));
    if (done.retry()) { // the reward already holds this feedback; report the trait as it is
      return new Applied(
          done.applied().reward(), trait == null ? Optional.empty() : traits.find(trait));
    }
    return done.applied();
  }

  /** {@code retry}: the feedback id was applied before and this transaction was rolled back. */
  private record Done(Applied applied, boolean retry) {}

  private static void requireValid(Feedback feedback) {
    if (!(feedback.rating() >= -1 && feedback.rating() <= 1)) {
      throw new IllegalArgumentException("rating must be in [-1,1] but was " + feedback.rating());
    }
  }

  private static Done applyIn(
      Connection c,
      Feedback feedback,
      DoubleUnaryOperator blend,
      @Nullable String trait,
      TraitEvidence e)
      throws SQLException {
    double current = lockReward(c, feedback);
    double reward = blend.applyAsDouble(current);
    if (!Double.isFinite(reward)) {
      throw new IllegalArgumentException("reward must be finite but was " + reward);
    }
    setReward(c, feedback, reward);
    if (!insert(c, feedback)) {
      c.rollback(); // undo the reward: this feedback was applied before
      return new Done(new Applied(current, Optional.empty()), true);
    }
    if (trait == null) {
      return new Done(new Applied(reward, Optional.empty()), false);
    }
    String reason = "feedback " + feedback.id() + " on query " + feedback.queryId();
    TraitWeight w = JdbcTraitStore.observeIn(c, trait, e, feedback.at(), "feedback", reason);
    return new Done(new Applied(reward, Optional.of(w)), false);
  }

  private static double lockReward(Connection c, Feedback feedback) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LOCK_REWARD)) {
      s.setObject(1, feedback.queryId());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchElementException("unknown query " + feedback.queryId());
        }
        return rs.getDouble(1);
      }
    }
  }

  private static void setReward(Connection c, Feedback feedback, double newReward)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SET_REWARD)) {
      s.setDouble(1, newReward);
      s.setObject(2, feedback.queryId());
      s.executeUpdate();
    }
  }

  private static boolean insert(Connection c, Feedback feedback) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setObject(1, feedback.id());
      s.setObject(2, feedback.queryId());
      s.setDouble(3, feedback.rating());
      s.setString(
          4, Sql.text(feedback.comment())); // also spools written before the API refused NUL
      s.setObject(5, Sql.timestamp(feedback.at()));
      return s.executeUpdate() == 1;
    }
  }
}
