package io.nyx.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Stored exchanges and corrections written straight into the tables, as the training export reads
 * them: the export's golden test and the retraining export's test build their rows with these.
 */
public final class ExportRows {
  private ExportRows() {}

  /** The id of test exchange {@code n}: a valid UUID whose last digits read as {@code n}. */
  public static UUID id(int n) {
    return UUID.fromString(String.format("00000000-0000-4000-8000-%012d", n));
  }

  /** One recorded exchange; {@code route} and {@code messages} are JSON text. */
  public record Row(
      UUID id,
      Instant at,
      String session,
      String question,
      @Nullable String specialist,
      String adapter,
      @Nullable Integer version,
      String route,
      String messages,
      String answer,
      double reward,
      String status) {}

  public static void insert(DataSource db, Row r) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                """
                INSERT INTO nyx_synthetic_specialist_queries
                  (id, created_at, session_id, query, specialist, adapter, adapter_version,
                   route_method, route_confidence, route, messages, decoding, context, response,
                   finish_reason, confidence, reward, prompt_tokens, completion_tokens,
                   latency_ms, backend_latency_ms, status, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'semantic', 0.9, ?::jsonb, ?::jsonb, '{}', '{}', ?,
                        'stop', 0.8, ?, 10, 5, 100, 90, ?, ?)
                """)) {
      s.setObject(1, r.id());
      s.setTimestamp(2, Timestamp.from(r.at()));
      s.setString(3, r.session());
      s.setString(4, r.question());
      s.setString(5, r.specialist());
      s.setString(6, r.adapter());
      s.setObject(7, r.version());
      s.setString(8, r.route());
      s.setString(9, r.messages());
      s.setString(10, r.answer());
      s.setDouble(11, r.reward());
      s.setString(12, r.status());
      s.setString(13, r.status().equals("ok") ? null : "vLLM answered 500");
      s.executeUpdate();
    }
  }

  /** Ann's rating of −1 on {@code queryId} with the answer that should have been given. */
  public static void correction(DataSource db, UUID id, UUID queryId, Instant at, String text)
      throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                """
                INSERT INTO nyx_feedback (id, query_id, rating, comment, created_at, rater,
                                          correction)
                VALUES (?, ?, -1, 'wrong', ?, 'ann', ?)
                """)) {
      s.setObject(1, id);
      s.setObject(2, queryId);
      s.setTimestamp(3, Timestamp.from(at));
      s.setString(4, text);
      s.executeUpdate();
    }
  }
}
