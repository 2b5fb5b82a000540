package io.nyx.persistence.jdbc;

import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitWeight;
import io.nyx.pipeline.Feedback;
import io.nyx.pipeline.FeedbackStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link FeedbackStore} in one transaction: the query's reward, the feedback row and the trait
 * posterior update commit together or not at all.
 *
 * <p>One rating per query and rater ({@code nyx_feedback_query_rater}): a later rating replaces the
 * earlier one, and the reward is computed again from the automatic reward and every rating in the
 * order they were first given. Only a rater's first rating tells the trait: re-rating can change an
 * answer's reward but cannot push a weight twice. A client retry of the same feedback is such a
 * replacement by itself, so it changes nothing. A rater's evidence per trait is summed over the
 * budget's window from the feedback rows, under an advisory lock on (rater, trait). A rating's
 * correction is stored on its row, so the rater's later rating replaces (or clears) it.
 * Thread-safe.
 */
public final class JdbcFeedbackStore implements FeedbackStore {
  private static final String LOCK_QUERY =
      "SELECT 1 FROM nyx_synthetic_specialist_queries WHERE id = ? FOR UPDATE";
  private static final String SET_REWARD =
      "UPDATE nyx_synthetic_specialist_queries SET reward = ? WHERE id = ?";

  /** {@code xmax = 0} only for a freshly inserted row: false means the rater's rating replaced. */
  private static final String UPSERT =
      """
      INSERT INTO nyx_feedback (id, query_id, rating, comment, created_at, tenant, rater,
                                correction)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (query_id, rater) WHERE rater IS NOT NULL
      DO UPDATE SET rating = EXCLUDED.rating, comment = EXCLUDED.comment,
                    correction = EXCLUDED.correction, updated_at = EXCLUDED.created_at
      RETURNING (xmax = 0) AS inserted
      """;

  private static final String RATINGS =
      "SELECT rating FROM nyx_feedback WHERE query_id = ? ORDER BY created_at, id";

  /** Serialises one rater's ratings of one trait, across replicas, for the budget's sum. */
  private static final String LOCK_BUDGET =
      "SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))";

  /** Evidence the rater added to the trait recently, by the database's clock. */
  private static final String SPENT =
      """
      SELECT coalesce(sum(evidence), 0) FROM nyx_feedback
       WHERE rater = ? AND trait = ? AND evidence > 0
         AND applied_at > now() - make_interval(secs => ?)
      """;

  private static final String RECORD_EVIDENCE =
      "UPDATE nyx_feedback SET trait = ?, evidence = ? WHERE query_id = ? AND rater = ?";

  private final DataSource dataSource;

  public JdbcFeedbackStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Applied apply(
      Feedback feedback,
      ToDoubleFunction<List<Double>> reward,
      @Nullable String trait,
      TraitEvidence evidence,
      @Nullable EvidenceBudget budget) {
    requireValid(feedback);
    return Sql.inTransaction(
        dataSource,
        "feedback " + feedback.id() + " on query " + feedback.queryId(),
        c -> applyIn(c, feedback, reward, trait, evidence, budget));
  }

  private static void requireValid(Feedback feedback) {
    if (!(feedback.rating() >= -1 && feedback.rating() <= 1)) {
      throw new IllegalArgumentException("rating must be in [-1,1] but was " + feedback.rating());
    }
  }

  private static Applied applyIn(
      Connection c,
      Feedback feedback,
      ToDoubleFunction<List<Double>> fold,
      @Nullable String trait,
      TraitEvidence e,
      @Nullable EvidenceBudget budget)
      throws SQLException {
    lockQuery(c, feedback);
    boolean first = upsert(c, feedback);
    double reward = fold.applyAsDouble(ratings(c, feedback));
    if (!Double.isFinite(reward)) {
      throw new IllegalArgumentException("reward must be finite but was " + reward);
    }
    setReward(c, feedback, reward);
    if (trait == null) {
      return new Applied(reward, Optional.empty(), TraitEffect.NO_TRAIT);
    }
    if (!first) {
      return new Applied(reward, current(c, trait), TraitEffect.ALREADY_RATED);
    }
    if (budget != null && spent(c, feedback.rater(), trait, budget) >= budget.maxEvidence()) {
      return new Applied(reward, current(c, trait), TraitEffect.BUDGET_SPENT);
    }
    String reason = "feedback " + feedback.id() + " on query " + feedback.queryId();
    TraitWeight w = JdbcTraitStore.observeIn(c, trait, e, feedback.at(), "feedback", reason);
    recordEvidence(c, feedback, trait, e.trials());
    return new Applied(reward, Optional.of(w), TraitEffect.OBSERVED);
  }

  private static void lockQuery(Connection c, Feedback feedback) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LOCK_QUERY)) {
      s.setObject(1, feedback.queryId());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchElementException("unknown query " + feedback.queryId());
        }
      }
    }
  }

  /** True when this is the rater's first rating of the query. */
  private static boolean upsert(Connection c, Feedback feedback) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(UPSERT)) {
      s.setObject(1, feedback.id());
      s.setObject(2, feedback.queryId());
      s.setDouble(3, feedback.rating());
      s.setString(4, Sql.text(feedback.comment())); // also spools written before the edge check
      s.setObject(5, Sql.timestamp(feedback.at()));
      s.setString(6, feedback.by().tenant());
      s.setString(7, feedback.rater());
      String correction = feedback.correction();
      s.setString(8, correction == null ? null : Sql.text(correction));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static List<Double> ratings(Connection c, Feedback feedback) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(RATINGS)) {
      s.setObject(1, feedback.queryId());
      List<Double> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getDouble(1));
        }
      }
      return out;
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

  /**
   * The evidence {@code rater} added to {@code trait} within the budget's window, read under a lock
   * on the pair so two of its ratings on other replicas are counted one after the other.
   */
  private static double spent(Connection c, String rater, String trait, EvidenceBudget budget)
      throws SQLException {
    try (PreparedStatement lock = c.prepareStatement(LOCK_BUDGET)) {
      lock.setString(1, rater);
      lock.setString(2, trait);
      lock.execute();
    }
    try (PreparedStatement s = c.prepareStatement(SPENT)) {
      s.setString(1, rater);
      s.setString(2, trait);
      s.setDouble(3, budget.window().toMillis() / 1000.0);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getDouble(1);
      }
    }
  }

  private static void recordEvidence(Connection c, Feedback f, String trait, double trials)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(RECORD_EVIDENCE)) {
      s.setString(1, trait);
      s.setDouble(2, trials);
      s.setObject(3, f.queryId());
      s.setString(4, f.rater());
      s.executeUpdate();
    }
  }

  private static Optional<TraitWeight> current(Connection c, String trait) throws SQLException {
    return JdbcTraitStore.findIn(c, trait);
  }
}
