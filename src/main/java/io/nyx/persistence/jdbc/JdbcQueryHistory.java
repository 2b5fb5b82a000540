package io.nyx.persistence.jdbc;

import io.nyx.history.Cursor;
import io.nyx.history.FeedbackEntry;
import io.nyx.history.QueryFilter;
import io.nyx.history.QueryHistory;
import io.nyx.history.QuerySummary;
import io.nyx.pipeline.QueryRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link QueryHistory} over {@code nyx_synthetic_specialist_queries} and {@code nyx_feedback}.
 * Pages are read newest first by the key {@code (created_at, id)}: the partitioned table's indexes
 * on {@code created_at} serve them, read newest first until the page is full. Every statement is a
 * constant with bind parameters (a criterion left null is off), as all of Nyx's SQL. Thread-safe.
 */
public final class JdbcQueryHistory implements QueryHistory {
  private static final String SUMMARY =
      """
      SELECT id, created_at, tenant, key_name, session_id, query, specialist, adapter,
             adapter_version, route_method, route_confidence, response, finish_reason, confidence, reward, status,
             latency_ms
        FROM nyx_synthetic_specialist_queries
      """;

  /**
   * A page: each criterion is off when its value is null (one constant statement, every value a
   * bind parameter); the base model's rows are those without a specialist.
   */
  private static final String PAGE =
      SUMMARY
          + """
           WHERE (CAST(? AS text) IS NULL OR tenant = ?)
             AND (CAST(? AS timestamptz) IS NULL OR created_at >= ?)
             AND (CAST(? AS text) IS NULL OR specialist = ?)
             AND (? = false OR specialist IS NULL)
             AND (CAST(? AS text) IS NULL OR status = ?)
             AND (CAST(? AS text) IS NULL OR strpos(lower(query), lower(?)) > 0
                  OR strpos(lower(coalesce(response, '')), lower(?)) > 0)
             AND (CAST(? AS timestamptz) IS NULL
                  OR (created_at, id) < (CAST(? AS timestamptz), CAST(? AS uuid)))
           ORDER BY created_at DESC, id DESC
           LIMIT ?
          """;

  private static final String FEEDBACK =
      """
      SELECT id, rating, comment, rater, created_at, updated_at, trait, evidence
        FROM nyx_feedback WHERE query_id = ? ORDER BY created_at, id
      """;

  private final DataSource dataSource;
  private final JdbcQueryLog log;

  public JdbcQueryHistory(DataSource dataSource) {
    this.dataSource = dataSource;
    this.log = new JdbcQueryLog(dataSource);
  }

  @Override
  public Optional<QueryRecord> find(UUID id) {
    return log.find(id);
  }

  @Override
  public List<QuerySummary> page(QueryFilter f) {
    Cursor after = f.after();
    Instant since = f.since();
    boolean base = QueryFilter.BASE.equals(f.specialist());
    List<Object> args = new ArrayList<>();
    twice(args, f.tenant());
    twice(args, since == null ? null : Sql.timestamp(since));
    twice(args, base ? null : f.specialist());
    args.add(base);
    twice(args, f.status());
    twice(args, f.text());
    args.add(f.text());
    args.add(after == null ? null : Sql.timestamp(after.createdAt()));
    args.add(after == null ? null : Sql.timestamp(after.createdAt()));
    args.add(after == null ? null : after.id());
    args.add(f.limit());
    return summaries(PAGE, args, "query history page");
  }

  /** A criterion's value, for its "unset" test and for the comparison. */
  private static void twice(List<Object> args, @Nullable Object value) {
    args.add(value);
    args.add(value);
  }

  @Override
  public List<FeedbackEntry> feedback(UUID queryId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(FEEDBACK)) {
      s.setObject(1, queryId);
      List<FeedbackEntry> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          OffsetDateTime updated = rs.getObject("updated_at", OffsetDateTime.class);
          out.add(
              new FeedbackEntry(
                  rs.getObject("id", UUID.class),
                  rs.getDouble("rating"),
                  rs.getString("comment"),
                  rs.getString("rater"),
                  Sql.instant(rs, "created_at"),
                  updated == null ? null : updated.toInstant(),
                  rs.getString("trait"),
                  rs.getDouble("evidence")));
        }
      }
      return out;
    } catch (SQLException e) {
      throw Sql.error("feedback of query " + queryId, e);
    }
  }

  @Override
  public Map<UUID, QuerySummary> summaries(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Map<UUID, QuerySummary> out = new LinkedHashMap<>();
    List<Object> args = List.of((Object) ids.toArray(UUID[]::new)); // one argument: the array
    for (QuerySummary s : summaries(SUMMARY + " WHERE id = ANY(?)", args, "query summaries")) {
      out.putIfAbsent(s.id(), s);
    }
    return out;
  }

  private List<QuerySummary> summaries(String sql, List<Object> args, String operation) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        Object a = args.get(i);
        if (a instanceof UUID[] array) {
          s.setArray(i + 1, c.createArrayOf("uuid", array));
        } else {
          s.setObject(i + 1, a);
        }
      }
      List<QuerySummary> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(summary(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw Sql.error(operation, e);
    }
  }

  private static QuerySummary summary(ResultSet rs) throws SQLException {
    return new QuerySummary(
        rs.getObject("id", UUID.class),
        Sql.instant(rs, "created_at"),
        rs.getString("tenant"),
        rs.getString("key_name"),
        rs.getString("session_id"),
        rs.getString("query"),
        rs.getString("specialist"),
        rs.getString("adapter"),
        rs.getObject("adapter_version", Integer.class),
        rs.getString("route_method"),
        rs.getDouble("route_confidence"),
        rs.getString("response"),
        rs.getString("finish_reason"),
        rs.getDouble("confidence"),
        rs.getDouble("reward"),
        rs.getString("status"),
        rs.getLong("latency_ms"));
  }
}
