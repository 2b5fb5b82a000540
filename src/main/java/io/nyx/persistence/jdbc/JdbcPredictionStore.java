package io.nyx.persistence.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.foresight.Prediction;
import io.nyx.foresight.PredictionStore;
import io.nyx.foresight.Scenario;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** {@link PredictionStore} over {@code nyx_predictions} (V20). Thread-safe. */
public final class JdbcPredictionStore implements PredictionStore {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String INSERT =
      """
      INSERT INTO nyx_predictions (query_id, specialist, prediction, scenarios, created_at, tenant)
      VALUES (?, ?, ?, CAST(? AS jsonb), ?, ?)
      ON CONFLICT (query_id) DO UPDATE SET query_id = EXCLUDED.query_id
      RETURNING id
      """;
  private static final String COLUMNS =
      "id, query_id, specialist, prediction, scenarios::text AS scenarios, created_at, outcome,"
          + " tenant";
  private static final String FIND = "SELECT " + COLUMNS + " FROM nyx_predictions WHERE id = ?";
  private static final String BY_QUERY =
      "SELECT " + COLUMNS + " FROM nyx_predictions WHERE query_id = ? ORDER BY id";
  private static final String RESOLVE =
      """
      UPDATE nyx_predictions SET outcome = ?, score = ?, resolved_at = ?
       WHERE id = ? AND outcome IS NULL
      """;
  private static final String REOPEN =
      "UPDATE nyx_predictions SET outcome = NULL, score = NULL, resolved_at = NULL WHERE id = ?";

  private final DataSource dataSource;

  public JdbcPredictionStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public long save(
      UUID queryId,
      String tenant,
      @Nullable String specialist,
      String text,
      List<Scenario> scenarios,
      Instant at) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setObject(1, queryId);
      if (specialist == null) {
        s.setNull(2, Types.VARCHAR);
      } else {
        s.setString(2, specialist);
      }
      s.setString(3, Sql.text(text)); // model output: see Sql.text
      s.setString(4, JsonColumns.write(scenarios));
      s.setObject(5, Sql.timestamp(at));
      s.setString(6, tenant);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw Sql.error("prediction save for query " + queryId, e);
    }
  }

  @Override
  public Optional<Prediction> find(long id) {
    List<Prediction> found = query(FIND, s -> s.setLong(1, id));
    return found.stream().findFirst();
  }

  @Override
  public List<Prediction> forQuery(UUID queryId) {
    return query(BY_QUERY, s -> s.setObject(1, queryId));
  }

  @Override
  public boolean resolve(long id, String outcome, double score, Instant at) {
    return Sql.update(
            dataSource,
            RESOLVE,
            "prediction resolve " + id,
            s -> {
              s.setString(1, outcome);
              s.setDouble(2, score);
              s.setObject(3, Sql.timestamp(at));
              s.setLong(4, id);
            })
        == 1;
  }

  @Override
  public void reopen(long id) {
    Sql.update(dataSource, REOPEN, "prediction reopen " + id, s -> s.setLong(1, id));
  }

  private List<Prediction> query(String sql, Sql.Binder binder) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      List<Prediction> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw Sql.error("prediction lookup", e);
    }
  }

  private static Prediction read(ResultSet rs) throws SQLException {
    return new Prediction(
        rs.getLong("id"),
        rs.getObject("query_id", UUID.class),
        rs.getString("specialist"),
        rs.getString("prediction"),
        scenarios(rs.getString("scenarios")),
        Sql.instant(rs, "created_at"),
        rs.getString("outcome"),
        rs.getString("tenant"));
  }

  private static Object stored(Map<String, Object> scenario, String key) {
    return Objects.requireNonNull(
        scenario.get(key), "written from a Scenario, which has every key");
  }

  private static List<Scenario> scenarios(String json) {
    try {
      List<Map<String, Object>> raw = MAPPER.readValue(json, new TypeReference<>() {});
      return raw.stream()
          .map(
              m ->
                  new Scenario(
                      (String) stored(m, "text"), ((Number) stored(m, "likelihood")).doubleValue()))
          .toList();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("stored scenarios are not JSON", e);
    }
  }
}
