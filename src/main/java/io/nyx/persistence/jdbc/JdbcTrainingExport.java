package io.nyx.persistence.jdbc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.export.ExportRequest;
import io.nyx.export.TrainingExport;
import io.nyx.persistence.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import javax.sql.DataSource;

/**
 * {@link TrainingExport} over {@code nyx_synthetic_specialist_queries}: one streamed query (a
 * server-side cursor, {@value #FETCH} rows at a time), so an export of millions of rows holds a
 * page in memory, not the table (the preference pairs need one sort over the rows since the bound
 * first). Only answered rows ({@code status = 'ok'} with a response) take part; the {@code
 * created_at} bound prunes the monthly partitions. Thread-safe.
 */
public final class JdbcTrainingExport implements TrainingExport {
  static final int FETCH = 500;

  private static final String SFT =
      """
      SELECT id, created_at, specialist, adapter, messages::text AS messages, response, reward
        FROM nyx_synthetic_specialist_queries
       WHERE status = 'ok' AND response IS NOT NULL AND response <> ''
         AND created_at >= ? AND reward >= ?
         AND (CAST(? AS text) IS NULL OR specialist = ?)
         AND (CAST(? AS text) IS NULL OR tenant = ?)
       ORDER BY created_at, id
      """;

  // Per (specialist, conversation) — the chat's turns without the system prompt, so a "yes" in two
  // different chats is not one prompt — the best answer (highest reward, earliest) and the worst
  // (lowest, latest), paired when their rewards are far enough apart (1e-9 of slack for sums like
  // 0.7 - 0.2) and their texts differ.
  private static final String PREFERENCES =
      """
      WITH answered AS (
        SELECT id, created_at, specialist, adapter, messages, response, reward, tenant,
               jsonb_path_query_array(messages, '$[*] ? (@.role != "system")') AS turns
          FROM nyx_synthetic_specialist_queries
         WHERE status = 'ok' AND response IS NOT NULL AND response <> ''
           AND created_at >= ? AND (CAST(? AS text) IS NULL OR specialist = ?)
           AND (CAST(? AS text) IS NULL OR tenant = ?)
      ), ranked AS (
        SELECT *,
               row_number() OVER (PARTITION BY tenant, coalesce(specialist, ''), turns
                                  ORDER BY reward DESC, created_at, id) AS best,
               row_number() OVER (PARTITION BY tenant, coalesce(specialist, ''), turns
                                  ORDER BY reward, created_at DESC, id DESC) AS worst
          FROM answered
      )
      SELECT b.id, b.created_at, b.specialist, b.adapter, b.messages::text AS messages,
             b.response, b.reward, w.id AS worse_id, w.response AS worse_response,
             w.reward AS worse_reward
        FROM ranked b
        JOIN ranked w ON coalesce(b.specialist, '') = coalesce(w.specialist, '')
                     AND b.turns = w.turns AND b.tenant = w.tenant
       WHERE b.best = 1 AND w.worst = 1 AND b.id <> w.id
         AND b.reward - w.reward >= ? - 1e-9 AND b.response <> w.response
       ORDER BY b.created_at, b.id
      """;

  /** A long export may wait on a big sort before its first row: far past the pool's 60 s. */
  static final int NETWORK_TIMEOUT_MS = 30 * 60 * 1000;

  // Lines go to the caller's stream, which the caller closes and flushes (a flush per line would
  // send an HTTP chunk per line and defeat the callers' buffers).
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);

  private final DataSource dataSource;

  public JdbcTrainingExport(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public long write(ExportRequest r, Sink sink) throws IOException {
    boolean sft = r.kind() == ExportRequest.Kind.SFT;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false); // pgjdbc streams with a cursor only inside a transaction
      c.setReadOnly(true);
      c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MS); // the pool resets it on return
      try (PreparedStatement s = sft ? c.prepareStatement(SFT) : c.prepareStatement(PREFERENCES)) {
        s.setFetchSize(FETCH);
        bind(s, r, sft);
        long n = 0;
        try (ResultSet rs = s.executeQuery()) {
          // Opened only once the query runs: a database that is down is a clean error response.
          OutputStream out = sink.open();
          while (rs.next()) {
            MAPPER.writeValue(out, sft ? sftLine(rs) : pairLine(rs));
            out.write('\n');
            n++;
          }
        }
        c.commit();
        return n;
      }
    } catch (SQLException e) {
      throw new StoreException("export of training data", e);
    }
  }

  private static void bind(PreparedStatement s, ExportRequest r, boolean sft) throws SQLException {
    int i = 1;
    s.setTimestamp(i++, Timestamp.from(r.since()));
    if (sft) {
      s.setDouble(i++, r.minReward());
    }
    s.setString(i++, r.specialist());
    s.setString(i++, r.specialist());
    s.setString(i++, r.tenant());
    s.setString(i++, r.tenant());
    if (!sft) {
      s.setDouble(i, r.minGap());
    }
  }

  private static ObjectNode sftLine(ResultSet rs) throws SQLException, IOException {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    ArrayNode messages = prompt(rs);
    messages.add(assistant(rs.getString("response")));
    line.set("messages", messages);
    ObjectNode meta = metadata(rs);
    meta.put("id", rs.getString("id"));
    meta.put("reward", rs.getDouble("reward"));
    line.set("metadata", meta);
    return line;
  }

  private static ObjectNode pairLine(ResultSet rs) throws SQLException, IOException {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.set("prompt", prompt(rs));
    line.putArray("chosen").add(assistant(rs.getString("response")));
    line.putArray("rejected").add(assistant(rs.getString("worse_response")));
    ObjectNode meta = metadata(rs);
    meta.put("chosen_id", rs.getString("id"));
    meta.put("rejected_id", rs.getString("worse_id"));
    meta.put("chosen_reward", rs.getDouble("reward"));
    meta.put("rejected_reward", rs.getDouble("worse_reward"));
    line.set("metadata", meta);
    return line;
  }

  /** The stored chat as the adapter saw it (system prompt with its context, then the user). */
  private static ArrayNode prompt(ResultSet rs) throws SQLException, IOException {
    JsonNode stored = MAPPER.readTree(rs.getString("messages"));
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (JsonNode m : stored) {
      out.add(
          JsonNodeFactory.instance
              .objectNode()
              .put("role", m.path("role").asText())
              .put("content", m.path("content").asText()));
    }
    return out;
  }

  private static ObjectNode assistant(String content) {
    return JsonNodeFactory.instance.objectNode().put("role", "assistant").put("content", content);
  }

  private static ObjectNode metadata(ResultSet rs) throws SQLException {
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    meta.put("specialist", rs.getString("specialist"));
    meta.put("adapter", rs.getString("adapter"));
    meta.put("created_at", rs.getTimestamp("created_at").toInstant().toString());
    return meta;
  }
}
