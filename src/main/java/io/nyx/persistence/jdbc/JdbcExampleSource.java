package io.nyx.persistence.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.export.Census;
import io.nyx.export.Correction;
import io.nyx.export.ExampleSource;
import io.nyx.export.Exchange;
import io.nyx.export.ExportRequest;
import io.nyx.export.Turn;
import io.nyx.persistence.StoreException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link ExampleSource} over {@code nyx_synthetic_specialist_queries} and the corrections in {@code
 * nyx_feedback}: a census, then streamed queries (server-side cursors, {@value #FETCH} rows at a
 * time), all in one read-only repeatable-read transaction, so the census counts the rows the
 * streams return. The {@code created_at} bound prunes the monthly partitions. Answers are ordered
 * best first (one sort over the rows in scope); pairs need one sort too.
 *
 * <p>An answer is usable when the request succeeded ({@code status = 'ok'}), its answer is not
 * empty, no base model answered in place of a broken adapter (the row's {@code route} has no {@code
 * fallback}) and no rater corrected it. The adapter's version is the row's {@code adapter_version}
 * (V70; null when no registered version answered, e.g. rows from before versions were recorded).
 * Thread-safe.
 */
public final class JdbcExampleSource implements ExampleSource {
  static final int FETCH = 500;

  /** A long export may wait on a big sort before its first row: far past the pool's 60 s. */
  static final int NETWORK_TIMEOUT_MS = 30 * 60 * 1000;

  /** Rewards are in [-1, 1]: an SFT read binds this as {@code max_reward}, admitting none. */
  private static final double NONE_BELOW = -2;

  // Plain strings with spaces at both ends: a text block drops trailing blanks, and these are
  // joined.
  private static final String SCOPE =
      " q.created_at >= ? AND (CAST(? AS text) IS NULL OR q.specialist = ?)"
          + " AND (CAST(? AS text) IS NULL OR q.tenant = ?) ";

  private static final String CENSUS =
      """
      WITH scope AS (
        SELECT q.status, q.reward,
               q.status = 'ok' AND coalesce(q.response, '') <> '' AS answered,
               (q.route -> 'fallback') IS NOT NULL AS fallback,
               (SELECT count(*) FROM nyx_feedback f
                 WHERE f.query_id = q.id AND f.correction IS NOT NULL) AS corrections
          FROM nyx_synthetic_specialist_queries q
         WHERE """
          + SCOPE
          + """
      )
      SELECT count(*) AS rows,
             count(*) FILTER (WHERE status <> 'ok') AS failed,
             count(*) FILTER (WHERE status = 'ok' AND NOT answered) AS empty,
             count(*) FILTER (WHERE answered AND fallback) AS fallback,
             count(*) FILTER (WHERE answered AND NOT fallback AND corrections > 0) AS corrected,
             count(*) FILTER (WHERE answered AND NOT fallback AND corrections = 0) AS usable,
             count(*) FILTER (WHERE answered AND NOT fallback AND corrections = 0
                                AND reward >= ?) AS good,
             count(*) FILTER (WHERE answered AND NOT fallback AND corrections = 0
                                AND reward <= ?) AS bad,
             coalesce(sum(corrections), 0) AS corrections
        FROM scope
      """;

  /** The columns of an exchange. */
  private static final String EXCHANGE =
      """
      q.id, q.created_at, q.tenant, q.session_id, q.specialist, q.adapter,
      q.adapter_version, q.messages::text AS messages,
      coalesce(q.response, '') AS response, q.reward
      """;

  private static final String CORRECTIONS =
      "SELECT f.id AS feedback_id, coalesce(f.updated_at, f.created_at) AS corrected_at,"
          + " f.correction,"
          + " q.status = 'ok' AND coalesce(q.response, '') <> ''"
          + " AND (q.route -> 'fallback') IS NULL AS answered, "
          + EXCHANGE
          + """
            FROM nyx_feedback f
            JOIN nyx_synthetic_specialist_queries q ON q.id = f.query_id
           WHERE f.correction IS NOT NULL AND """
          + SCOPE
          + " ORDER BY f.created_at, f.id";

  private static final String USABLE =
      " q.status = 'ok' AND q.response <> '' AND (q.route -> 'fallback') IS NULL"
          + " AND NOT EXISTS (SELECT 1 FROM nyx_feedback f"
          + " WHERE f.query_id = q.id AND f.correction IS NOT NULL) AND ";

  private static final String ANSWERS =
      "SELECT "
          + EXCHANGE
          + " FROM nyx_synthetic_specialist_queries q WHERE "
          + USABLE
          + SCOPE
          + " AND (q.reward >= ? OR q.reward <= ?) ORDER BY q.reward DESC, q.created_at, q.id";

  // Per (tenant, specialist, conversation) — the chat's turns without the system prompt, so a
  // "yes" in two different chats is not one prompt — the best usable answer (highest reward,
  // earliest) and the worst (lowest, latest), paired when their rewards are far enough apart (1e-9
  // of slack for sums like 0.7 - 0.2) and their texts differ.
  private static final String PAIRS =
      "WITH answered AS (SELECT "
          + EXCHANGE
          + """
          , jsonb_path_query_array(q.messages, '$[*] ? (@.role != "system")') AS turns
            FROM nyx_synthetic_specialist_queries q
           WHERE """
          + USABLE
          + SCOPE
          + """
      ), ranked AS (
        SELECT *,
               row_number() OVER (PARTITION BY tenant, coalesce(specialist, ''), turns
                                  ORDER BY reward DESC, created_at, id) AS best,
               row_number() OVER (PARTITION BY tenant, coalesce(specialist, ''), turns
                                  ORDER BY reward, created_at DESC, id DESC) AS worst
          FROM answered
      )
      SELECT b.id, b.created_at, b.tenant, b.session_id, b.specialist, b.adapter,
             b.adapter_version, b.messages, b.response, b.reward,
             w.id AS w_id, w.created_at AS w_created_at, w.tenant AS w_tenant,
             w.session_id AS w_session_id, w.specialist AS w_specialist, w.adapter AS w_adapter,
             w.adapter_version AS w_adapter_version, w.messages AS w_messages,
             w.response AS w_response, w.reward AS w_reward
        FROM ranked b
        JOIN ranked w ON coalesce(b.specialist, '') = coalesce(w.specialist, '')
                     AND b.turns = w.turns AND b.tenant = w.tenant
       WHERE b.best = 1 AND w.worst = 1 AND b.id <> w.id
         AND b.reward - w.reward >= ? - 1e-9 AND b.response <> w.response
       ORDER BY b.created_at, b.id
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataSource dataSource;

  public JdbcExampleSource(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public void read(ExportRequest r, Reader reader) throws IOException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false); // pgjdbc streams with a cursor only inside a transaction
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // one snapshot for all
      c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MS); // the pool resets it on return
      reader.begin(census(c, r));
      corrections(c, r, reader);
      if (r.kind() == ExportRequest.Kind.PREFERENCES) {
        pairs(c, r, reader);
      } else {
        answers(c, r, reader);
      }
      c.commit();
    } catch (SQLException e) {
      throw new StoreException("export of training data", e);
    }
  }

  private static Census census(Connection c, ExportRequest r) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CENSUS)) {
      int i = scope(s, 1, r);
      s.setDouble(i++, r.minReward());
      s.setDouble(i, maxReward(r));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new Census(
            rs.getLong("rows"),
            rs.getLong("failed"),
            rs.getLong("empty"),
            rs.getLong("fallback"),
            rs.getLong("corrected"),
            rs.getLong("usable"),
            rs.getLong("good"),
            rs.getLong("bad"),
            rs.getLong("corrections"));
      }
    }
  }

  private static void corrections(Connection c, ExportRequest r, Reader reader)
      throws SQLException, IOException {
    try (PreparedStatement s = c.prepareStatement(CORRECTIONS)) {
      s.setFetchSize(FETCH);
      scope(s, 1, r);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reader.correction(
              new Correction(
                  rs.getString("feedback_id"),
                  rs.getTimestamp("corrected_at").toInstant(),
                  rs.getString("correction"),
                  exchange(rs, ""),
                  rs.getBoolean("answered")));
        }
      }
    }
  }

  private static void answers(Connection c, ExportRequest r, Reader reader)
      throws SQLException, IOException {
    try (PreparedStatement s = c.prepareStatement(ANSWERS)) {
      s.setFetchSize(FETCH);
      int i = scope(s, 1, r);
      s.setDouble(i++, r.minReward());
      s.setDouble(i, maxReward(r));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reader.answer(exchange(rs, ""));
        }
      }
    }
  }

  private static void pairs(Connection c, ExportRequest r, Reader reader)
      throws SQLException, IOException {
    try (PreparedStatement s = c.prepareStatement(PAIRS)) {
      s.setFetchSize(FETCH);
      int i = scope(s, 1, r);
      s.setDouble(i, r.minGap());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reader.pair(exchange(rs, ""), exchange(rs, "w_"));
        }
      }
    }
  }

  /** KTO's undesirable bound; no answer is below {@link #NONE_BELOW} for the other kinds. */
  private static double maxReward(ExportRequest r) {
    return r.kind() == ExportRequest.Kind.KTO ? r.maxReward() : NONE_BELOW;
  }

  /** Binds {@link #SCOPE} from parameter {@code i}; returns the next parameter's index. */
  private static int scope(PreparedStatement s, int i, ExportRequest r) throws SQLException {
    s.setTimestamp(i++, Timestamp.from(r.since()));
    s.setString(i++, r.specialist());
    s.setString(i++, r.specialist());
    s.setString(i++, r.tenant());
    s.setString(i++, r.tenant());
    return i;
  }

  private static Exchange exchange(ResultSet rs, String prefix) throws SQLException {
    return new Exchange(
        rs.getString(prefix + "id"),
        rs.getTimestamp(prefix + "created_at").toInstant(),
        rs.getString(prefix + "tenant"),
        rs.getString(prefix + "session_id"),
        rs.getString(prefix + "specialist"),
        rs.getString(prefix + "adapter"),
        rs.getObject(prefix + "adapter_version", Integer.class),
        turns(rs.getString(prefix + "messages")),
        rs.getString(prefix + "response"),
        rs.getDouble(prefix + "reward"));
  }

  /** The stored chat: each message's role and text. */
  private static List<Turn> turns(String messages) throws SQLException {
    JsonNode stored;
    try {
      stored = JSON.readTree(messages);
    } catch (IOException e) {
      throw new SQLException("stored messages are not JSON: " + e.getMessage(), e);
    }
    List<Turn> out = new ArrayList<>(stored.size());
    for (JsonNode m : stored) {
      out.add(new Turn(m.path("role").asText(), m.path("content").asText()));
    }
    return out;
  }
}
