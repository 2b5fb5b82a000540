package io.nyx.persistence.jdbc;

import io.nyx.routing.LearnedExemplar;
import io.nyx.routing.LearnedExemplarStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@link LearnedExemplarStore} over {@code nyx_learned_exemplars} (V73): every replica reads and
 * writes the same rows. An add and the eviction of its route's oldest rows beyond the bound run in
 * one transaction, so concurrent adds from two replicas never leave a route over its bound for long
 * (each evicts down to it after its own insert). Thread-safe.
 */
public final class JdbcLearnedExemplarStore implements LearnedExemplarStore {
  private static final String COLUMNS = "id, route, text, source, query_id, rater, created_at";
  private static final String INSERT =
      "INSERT INTO nyx_learned_exemplars (route, text, source, query_id, rater)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING "
          + COLUMNS;
  private static final String EVICT =
      "DELETE FROM nyx_learned_exemplars WHERE route = ? AND id NOT IN"
          + " (SELECT id FROM nyx_learned_exemplars WHERE route = ? ORDER BY id DESC LIMIT ?)";
  private static final String ALL = "SELECT " + COLUMNS + " FROM nyx_learned_exemplars ORDER BY id";
  private static final String DELETE = "DELETE FROM nyx_learned_exemplars WHERE id = ?";

  /** The sequence's last value counts removed rows' ids too, so an add always changes it. */
  private static final String VERSION =
      "SELECT (SELECT count(*) FROM nyx_learned_exemplars),"
          + " (SELECT CASE WHEN is_called THEN last_value ELSE 0 END"
          + " FROM nyx_learned_exemplars_id_seq)";

  private final DataSource dataSource;

  public JdbcLearnedExemplarStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Optional<LearnedExemplar> add(LearnedExemplar.Candidate c, int maxPerRoute) {
    try (Connection conn = dataSource.getConnection()) {
      conn.setAutoCommit(false);
      try {
        Optional<LearnedExemplar> added = insert(conn, c);
        if (added.isPresent()) {
          evict(conn, c.route(), maxPerRoute);
        }
        conn.commit();
        return added;
      } catch (SQLException e) {
        conn.rollback();
        throw e;
      } finally {
        conn.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw Sql.error("insert of learned exemplar for route " + c.route(), e);
    }
  }

  private static Optional<LearnedExemplar> insert(Connection conn, LearnedExemplar.Candidate c)
      throws SQLException {
    try (PreparedStatement s = conn.prepareStatement(INSERT)) {
      s.setString(1, c.route());
      s.setString(2, c.text());
      s.setString(3, c.source().label());
      if (c.queryId() == null) {
        s.setNull(4, Types.OTHER);
      } else {
        s.setObject(4, c.queryId());
      }
      s.setString(5, c.rater());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  private static void evict(Connection conn, String route, int keep) throws SQLException {
    try (PreparedStatement s = conn.prepareStatement(EVICT)) {
      s.setString(1, route);
      s.setString(2, route);
      s.setInt(3, keep);
      s.executeUpdate();
    }
  }

  @Override
  public List<LearnedExemplar> all() {
    try (Connection conn = dataSource.getConnection();
        PreparedStatement s = conn.prepareStatement(ALL);
        ResultSet rs = s.executeQuery()) {
      List<LearnedExemplar> out = new ArrayList<>();
      while (rs.next()) {
        out.add(read(rs));
      }
      return out;
    } catch (SQLException e) {
      throw Sql.error("listing of learned exemplars", e);
    }
  }

  @Override
  public boolean remove(long id) {
    try (Connection conn = dataSource.getConnection();
        PreparedStatement s = conn.prepareStatement(DELETE)) {
      s.setLong(1, id);
      return s.executeUpdate() > 0;
    } catch (SQLException e) {
      throw Sql.error("removal of learned exemplar " + id, e);
    }
  }

  @Override
  public Version version() {
    try (Connection conn = dataSource.getConnection();
        PreparedStatement s = conn.prepareStatement(VERSION);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return new Version(rs.getLong(1), rs.getLong(2));
    } catch (SQLException e) {
      throw Sql.error("version of learned exemplars", e);
    }
  }

  private static LearnedExemplar read(ResultSet rs) throws SQLException {
    return new LearnedExemplar(
        rs.getLong("id"),
        rs.getString("route"),
        rs.getString("text"),
        LearnedExemplar.Source.of(rs.getString("source")),
        rs.getObject("query_id", UUID.class),
        rs.getString("rater"),
        rs.getTimestamp("created_at").toInstant());
  }
}
