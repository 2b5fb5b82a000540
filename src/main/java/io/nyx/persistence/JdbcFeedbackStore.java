package io.nyx.persistence;

import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitWeight;
import io.nyx.pipeline.Feedback;
import io.nyx.pipeline.FeedbackStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.NoSuchElementException;
import java.util.Optional;
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
  public Optional<TraitWeight> apply(
      Feedback feedback, double newReward, @Nullable String trait, TraitEvidence evidence) {
    requireValid(feedback, newReward);
    Optional<Optional<TraitWeight>> applied =
        Sql.inTransaction(
            dataSource,
            "feedback " + feedback.id() + " on query " + feedback.queryId(),
            c -> applyIn(c, feedback, newReward, trait, evidence));
    return applied.orElseGet(() -> trait == null ? Optional.empty() : traits.find(trait));
  }

  private static void requireValid(Feedback feedback, double newReward) {
    if (!(feedback.rating() >= -1 && feedback.rating() <= 1)) {
      throw new IllegalArgumentException("rating must be in [-1,1] but was " + feedback.rating());
    }
    if (!Double.isFinite(newReward)) {
      throw new IllegalArgumentException("reward must be finite but was " + newReward);
    }
  }

  /** Empty outer Optional: a duplicate feedback id, rolled back (the caller reads the trait). */
  private static Optional<Optional<TraitWeight>> applyIn(
      Connection c, Feedback feedback, double newReward, @Nullable String trait, TraitEvidence e)
      throws SQLException {
    setReward(c, feedback, newReward);
    if (!insert(c, feedback)) {
      c.rollback(); // undo the reward: this feedback was applied before
      return Optional.empty();
    }
    if (trait == null) {
      return Optional.of(Optional.empty());
    }
    String reason = "feedback " + feedback.id() + " on query " + feedback.queryId();
    return Optional.of(
        Optional.of(JdbcTraitStore.observeIn(c, trait, e, feedback.at(), "feedback", reason)));
  }

  private static void setReward(Connection c, Feedback feedback, double newReward)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SET_REWARD)) {
      s.setDouble(1, newReward);
      s.setObject(2, feedback.queryId());
      if (s.executeUpdate() == 0) {
        throw new NoSuchElementException("unknown query " + feedback.queryId());
      }
    }
  }

  private static boolean insert(Connection c, Feedback feedback) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setObject(1, feedback.id());
      s.setObject(2, feedback.queryId());
      s.setDouble(3, feedback.rating());
      s.setString(4, feedback.comment());
      s.setObject(5, Sql.timestamp(feedback.at()));
      return s.executeUpdate() == 1;
    }
  }
}
