package io.nyx.persistence.jdbc;

import io.nyx.pipeline.RescoreRow;
import io.nyx.pipeline.RescoreStore;
import io.nyx.pipeline.Rescoring;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * {@link RescoreStore} over {@code nyx_synthetic_specialist_queries} and {@code nyx_feedback}. A
 * page is a keyset range on {@code (created_at, id)}: the {@code created_at} bound prunes the
 * monthly partitions and the index serves the order, so a walk costs the same on page 1 and page
 * 1,000. Rows are updated by their full key (id, created_at), which names one partition.
 * Thread-safe.
 */
public final class JdbcRescoreStore implements RescoreStore {
  private static final String COLUMNS =
      """
      SELECT id, created_at, status, finish_reason, confidence, reward, latency_ms,
             route::text AS route, specialist
        FROM nyx_synthetic_specialist_queries
      """;
  private static final String FIRST =
      COLUMNS + " WHERE created_at >= ? ORDER BY created_at, id LIMIT ? FOR UPDATE";
  private static final String NEXT =
      COLUMNS
          + " WHERE created_at >= ? AND (created_at, id) > (?, ?)"
          + " ORDER BY created_at, id LIMIT ? FOR UPDATE";
  private static final String RATINGS =
      "SELECT query_id, rating FROM nyx_feedback WHERE query_id = ANY (?) ORDER BY created_at, id";
  private static final String UPDATE =
      """
      UPDATE nyx_synthetic_specialist_queries
         SET reward = ?,
             route = CASE WHEN ? THEN jsonb_set(route, '{reward_components}', CAST(? AS jsonb))
                          ELSE route END
       WHERE id = ? AND created_at = ?
      """;

  private final DataSource dataSource;

  public JdbcRescoreStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Page page(
      Instant since,
      Optional<Cursor> after,
      int limit,
      Function<RescoreRow, Rescoring.Rescored> rescore,
      boolean write) {
    return Sql.inTransaction(
        dataSource,
        "reward recompute since " + since,
        c -> {
          List<RescoreRow> rows = withRatings(c, select(c, since, after, limit));
          List<Change> changes = new ArrayList<>();
          try (PreparedStatement u = c.prepareStatement(UPDATE)) {
            for (RescoreRow row : rows) {
              Rescoring.Rescored r = rescore.apply(row);
              boolean written = write && r.write();
              if (written) {
                bindUpdate(u, row, r);
                u.addBatch();
              }
              changes.add(
                  new Change(
                      row.id(), row.reward(), r.reward(), !row.ratings().isEmpty(), written));
            }
            u.executeBatch();
          }
          Optional<Cursor> last =
              rows.isEmpty()
                  ? Optional.empty()
                  : Optional.of(new Cursor(rows.getLast().createdAt(), rows.getLast().id()));
          return new Page(changes, last);
        });
  }

  private static List<RescoreRow> select(
      Connection c, Instant since, Optional<Cursor> after, int limit) throws SQLException {
    try (PreparedStatement s =
        after.isEmpty() ? c.prepareStatement(FIRST) : c.prepareStatement(NEXT)) {
      int i = 1;
      s.setObject(i++, Sql.timestamp(since));
      if (after.isPresent()) {
        s.setObject(i++, Sql.timestamp(after.get().createdAt()));
        s.setObject(i++, after.get().id());
      }
      s.setInt(i, limit);
      List<RescoreRow> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(read(rs));
        }
      }
      return rows;
    }
  }

  private static RescoreRow read(ResultSet rs) throws SQLException {
    return new RescoreRow(
        rs.getObject("id", UUID.class),
        Sql.instant(rs, "created_at"),
        rs.getString("status"),
        rs.getString("finish_reason"),
        rs.getDouble("confidence"),
        rs.getDouble("reward"),
        rs.getLong("latency_ms"),
        JsonColumns.readMap(rs.getString("route")),
        List.of(),
        rs.getString("specialist"));
  }

  /** The same rows, each with its ratings, oldest first. */
  private static List<RescoreRow> withRatings(Connection c, List<RescoreRow> rows)
      throws SQLException {
    Map<UUID, List<Double>> ratings = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(RATINGS)) {
      s.setArray(1, c.createArrayOf("uuid", rows.stream().map(RescoreRow::id).toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ratings
              .computeIfAbsent(rs.getObject("query_id", UUID.class), k -> new ArrayList<>())
              .add(rs.getDouble("rating"));
        }
      }
    }
    return rows.stream()
        .map(
            r ->
                new RescoreRow(
                    r.id(),
                    r.createdAt(),
                    r.status(),
                    r.finishReason(),
                    r.confidence(),
                    r.reward(),
                    r.latencyMs(),
                    r.route(),
                    ratings.getOrDefault(r.id(), List.of()),
                    r.specialist()))
        .toList();
  }

  private static void bindUpdate(PreparedStatement u, RescoreRow row, Rescoring.Rescored r)
      throws SQLException {
    u.setDouble(1, r.reward());
    u.setBoolean(2, !r.components().isEmpty());
    u.setString(3, JsonColumns.write(r.components()));
    u.setObject(4, row.id());
    u.setObject(5, Sql.timestamp(row.createdAt()));
  }
}
