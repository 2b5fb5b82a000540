package io.nyx.persistence.jdbc;

import io.nyx.safety.ReviewItem;
import io.nyx.safety.ReviewQueue;
import io.nyx.safety.RiskAssessment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** {@link ReviewQueue} over {@code nyx_review_queue} (V20). Thread-safe. */
public final class JdbcReviewQueue implements ReviewQueue {
  private static final String INSERT =
      """
      INSERT INTO nyx_review_queue
          (query_id, stage, category, risk, assessment, created_at, tenant)
      VALUES (?, ?, ?, ?, CAST(? AS jsonb), ?, ?)
      ON CONFLICT (query_id, stage) DO UPDATE SET query_id = EXCLUDED.query_id
      RETURNING id
      """;
  private static final String COLUMNS =
      "id, query_id, stage, category, risk, assessment::text AS assessment, status, created_at,"
          + " tenant";
  private static final String PENDING =
      "SELECT " + COLUMNS + " FROM nyx_review_queue WHERE status = 'pending' ORDER BY id LIMIT ?";
  private static final String DECIDE =
      """
      UPDATE nyx_review_queue SET status = 'reviewed', verdict = ?, rating = ?, note = ?,
             reviewed_at = ?
       WHERE id = ? AND status = 'pending'
      RETURNING id, query_id, stage, category, risk, assessment::text AS assessment,
                'pending' AS status, created_at, tenant
      """;
  private static final String REOPEN =
      """
      UPDATE nyx_review_queue SET status = 'pending', verdict = NULL, rating = NULL, note = NULL,
             reviewed_at = NULL WHERE id = ?
      """;

  private final DataSource dataSource;

  public JdbcReviewQueue(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public long enqueue(UUID queryId, String tenant, String stage, RiskAssessment a, Instant at) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setObject(1, queryId);
      s.setString(2, stage);
      s.setString(3, Sql.text(a.category()));
      s.setDouble(4, a.risk());
      s.setString(5, JsonColumns.write(a.toMap()));
      s.setObject(6, Sql.timestamp(at));
      s.setString(7, tenant);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw Sql.error("review enqueue of query " + queryId, e);
    }
  }

  @Override
  public List<ReviewItem> pending(int limit) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(PENDING)) {
      s.setInt(1, limit);
      List<ReviewItem> items = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          items.add(read(rs));
        }
      }
      return items;
    } catch (SQLException e) {
      throw Sql.error("pending reviews", e);
    }
  }

  @Override
  public Optional<ReviewItem> decide(
      long id, String verdict, double rating, String note, Instant at) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(DECIDE)) {
      s.setString(1, verdict);
      s.setDouble(2, rating);
      s.setString(3, Sql.text(note));
      s.setObject(4, Sql.timestamp(at));
      s.setLong(5, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw Sql.error("review decision " + id, e);
    }
  }

  @Override
  public void reopen(long id) {
    Sql.update(dataSource, REOPEN, "review reopen " + id, s -> s.setLong(1, id));
  }

  private static ReviewItem read(ResultSet rs) throws SQLException {
    return new ReviewItem(
        rs.getLong("id"),
        rs.getObject("query_id", UUID.class),
        rs.getString("stage"),
        rs.getString("category"),
        rs.getDouble("risk"),
        JsonColumns.readMap(rs.getString("assessment")),
        rs.getString("status"),
        Sql.instant(rs, "created_at"),
        rs.getString("tenant"));
  }
}
