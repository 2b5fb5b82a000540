package io.nyx.persistence.jdbc;

import io.nyx.pipeline.QueryLog;
import io.nyx.pipeline.QueryRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link QueryLog} over {@code nyx_synthetic_specialist_queries}. {@code createdAt} is stored to
 * the microsecond (PostgreSQL's precision), so a record read back has its instant truncated.
 * Thread-safe.
 */
public final class JdbcQueryLog implements QueryLog {
  private static final String INSERT =
      """
      INSERT INTO nyx_synthetic_specialist_queries (
          id, created_at, session_id, query, specialist, adapter, route_method, route_confidence,
          route, messages, decoding, context, response, finish_reason, confidence, reward,
          prompt_tokens, completion_tokens, latency_ms, backend_latency_ms, status, error,
          tenant, key_name, adapter_version)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), CAST(? AS jsonb),
              CAST(? AS jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id, created_at) DO NOTHING
      """;

  private static final String SELECT =
      """
      SELECT id, created_at, session_id, query, specialist, adapter, route_method,
             route_confidence, route::text AS route, messages::text AS messages,
             decoding::text AS decoding, context::text AS context, response, finish_reason,
             confidence, reward, prompt_tokens, completion_tokens, latency_ms,
             backend_latency_ms, status, error, tenant, key_name, adapter_version
        FROM nyx_synthetic_specialist_queries
       WHERE id = ?
      """;

  private final DataSource dataSource;

  public JdbcQueryLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public void append(QueryRecord r) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(INSERT)) {
      bind(s, r);
      s.executeUpdate();
    } catch (SQLException e) {
      throw Sql.error("append of query " + r.id(), e);
    }
  }

  /** One transaction, one batch: replaying a spool of thousands of rows takes a round trip. */
  @Override
  public void appendAll(java.util.List<QueryRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    Sql.inTransaction(
        dataSource,
        "append of " + records.size() + " spooled queries",
        c -> {
          try (PreparedStatement s = c.prepareStatement(INSERT)) {
            for (QueryRecord r : records) {
              bind(s, r);
              s.addBatch();
            }
            s.executeBatch();
          }
          return null;
        });
  }

  /** Text and JSON go in cleaned ({@link Sql#text}, {@link JsonColumns#write}): see there. */
  private static void bind(PreparedStatement s, QueryRecord r) throws SQLException {
    s.setObject(1, r.id());
    s.setObject(2, Sql.timestamp(r.createdAt()));
    setNullableText(s, 3, r.sessionId());
    s.setString(4, Sql.text(r.query()));
    setNullableText(s, 5, r.specialist());
    setNullableText(s, 6, r.adapter());
    s.setString(7, Sql.text(r.routeMethod()));
    s.setDouble(8, r.routeConfidence());
    s.setString(9, JsonColumns.write(r.route()));
    s.setString(10, JsonColumns.write(r.messages()));
    s.setString(11, JsonColumns.write(r.decoding()));
    s.setString(12, JsonColumns.write(r.context()));
    setNullableText(s, 13, r.response());
    setNullableText(s, 14, r.finishReason());
    s.setDouble(15, r.confidence());
    s.setDouble(16, r.reward());
    s.setInt(17, r.promptTokens());
    s.setInt(18, r.completionTokens());
    s.setLong(19, r.latencyMs());
    s.setLong(20, r.backendLatencyMs());
    s.setString(21, Sql.text(r.status()));
    setNullableText(s, 22, r.error());
    s.setString(23, r.tenant());
    setNullableText(s, 24, r.keyName());
    Integer version = r.adapterVersion();
    if (version == null) {
      s.setNull(25, Types.INTEGER);
    } else {
      s.setInt(25, version);
    }
  }

  private static void setNullableText(PreparedStatement s, int index, @Nullable String value)
      throws SQLException {
    if (value == null) {
      s.setNull(index, Types.VARCHAR);
    } else {
      s.setString(index, Sql.text(value));
    }
  }

  @Override
  public Optional<QueryRecord> find(UUID id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(SELECT)) {
      s.setObject(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw Sql.error("lookup of query " + id, e);
    }
  }

  private static QueryRecord read(ResultSet rs) throws SQLException {
    return new QueryRecord(
        rs.getObject("id", UUID.class),
        Sql.instant(rs, "created_at"),
        rs.getString("session_id"),
        rs.getString("query"),
        rs.getString("specialist"),
        rs.getString("adapter"),
        rs.getString("route_method"),
        rs.getDouble("route_confidence"),
        JsonColumns.readMap(rs.getString("route")),
        JsonColumns.readMessages(rs.getString("messages")),
        JsonColumns.readMap(rs.getString("decoding")),
        JsonColumns.readMap(rs.getString("context")),
        rs.getString("response"),
        rs.getString("finish_reason"),
        rs.getDouble("confidence"),
        rs.getDouble("reward"),
        rs.getInt("prompt_tokens"),
        rs.getInt("completion_tokens"),
        rs.getLong("latency_ms"),
        rs.getLong("backend_latency_ms"),
        rs.getString("status"),
        rs.getString("error"),
        rs.getString("tenant"),
        rs.getString("key_name"),
        rs.getObject("adapter_version", Integer.class));
  }
}
