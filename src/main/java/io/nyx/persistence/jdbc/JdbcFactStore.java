package io.nyx.persistence.jdbc;

import io.nyx.context.Fact;
import io.nyx.context.FactStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@link FactStore} over {@code nyx_facts} with English full-text search. A fact matches when it
 * contains any word of the query; facts that satisfy the whole {@code websearch_to_tsquery} (every
 * word, quoted phrases, -negations) rank first, then by {@code ts_rank}, ties to the older fact.
 * Both parsers accept any text without a syntax error, and the text is always a bound parameter.
 * Thread-safe.
 */
public final class JdbcFactStore implements FactStore {
  private static final String COLUMNS = "id, statement, source, confidence, created_at";
  private static final String INSERT =
      "INSERT INTO nyx_facts (statement, source, confidence) VALUES (?, ?, ?)"
          + " ON CONFLICT ((md5(statement))) DO UPDATE SET statement = nyx_facts.statement"
          + " WHERE false RETURNING "
          + COLUMNS;

  private static final String BY_STATEMENT =
      "SELECT " + COLUMNS + " FROM nyx_facts WHERE md5(statement) = md5(?) AND statement = ?";
  private static final String EXISTING =
      "SELECT statement FROM nyx_facts WHERE md5(statement) = ANY (ARRAY(SELECT md5(t) FROM"
          + " unnest(CAST(? AS text[])) AS t))";

  /** Any word matches; full websearch matches first, then ts_rank (V3__fact_search.sql). */
  private static final String SEARCH =
      """
      SELECT id, statement, source, confidence, created_at
        FROM nyx_facts,
             websearch_to_tsquery('english', ?) AS strict,
             nyx_any_word_query(?) AS loose
       WHERE tsv @@ loose
       ORDER BY tsv @@ strict DESC, ts_rank(tsv, loose) DESC, id
       LIMIT ?
      """;

  private final DataSource dataSource;

  public JdbcFactStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Fact add(String statement, String source, double confidence) {
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be in [0,1] but was " + confidence);
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, statement);
      s.setString(2, source);
      s.setDouble(3, confidence);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          return read(rs);
        }
      }
      return byStatement(c, statement);
    } catch (SQLException e) {
      throw Sql.error("insert of fact", e);
    }
  }

  private static Fact byStatement(Connection c, String statement) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(BY_STATEMENT)) {
      s.setString(1, statement);
      s.setString(2, statement);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("fact was a duplicate but is gone (deleted concurrently)");
        }
        return read(rs);
      }
    }
  }

  @Override
  public Set<String> existing(Collection<String> statements) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(EXISTING)) {
      s.setArray(1, c.createArrayOf("text", statements.toArray()));
      Set<String> found = new HashSet<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
      found.retainAll(new HashSet<>(statements)); // an md5 match alone is not equality
      return found;
    } catch (SQLException e) {
      throw Sql.error("lookup of existing facts", e);
    }
  }

  @Override
  public List<Fact> search(String query, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(SEARCH)) {
      s.setString(1, query);
      s.setString(2, query);
      s.setInt(3, limit);
      try (ResultSet rs = s.executeQuery()) {
        List<Fact> facts = new ArrayList<>();
        while (rs.next()) {
          facts.add(read(rs));
        }
        return facts;
      }
    } catch (SQLException e) {
      throw Sql.error("search of facts", e);
    }
  }

  private static Fact read(ResultSet rs) throws SQLException {
    return new Fact(
        rs.getLong("id"),
        rs.getString("statement"),
        rs.getString("source"),
        rs.getDouble("confidence"),
        Sql.instant(rs, "created_at"));
  }
}
