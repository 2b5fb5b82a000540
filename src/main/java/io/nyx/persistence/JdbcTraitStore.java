package io.nyx.persistence;

import io.nyx.learning.TraitChange;
import io.nyx.learning.TraitStore;
import io.nyx.learning.TraitWeight;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link TraitStore} over {@code nyx_trait_weights}; changes go through the SQL functions {@code
 * update_trait_weight} and {@code set_trait_weight}, which lock the row, clip to the bounds and
 * write the history in one transaction. Thread-safe.
 */
public final class JdbcTraitStore implements TraitStore {
  private static final String ENSURE =
      """
      INSERT INTO nyx_trait_weights (name, weight, min_weight, max_weight)
      VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING
      """;
  private static final String COLUMNS = "SELECT name, weight, min_weight, max_weight, updated_at";
  private static final String ALL = COLUMNS + " FROM nyx_trait_weights ORDER BY name";
  private static final String FIND = COLUMNS + " FROM nyx_trait_weights WHERE name = ?";
  private static final String UPDATE = "SELECT update_trait_weight(?, ?, ?, ?)";
  private static final String SET = "SELECT set_trait_weight(?, ?, ?, ?)";
  private static final String HISTORY =
      """
      SELECT name, old_weight, new_weight, delta, source, reason, created_at
        FROM nyx_trait_weight_history WHERE name = ? ORDER BY id DESC LIMIT ?
      """;

  private final DataSource dataSource;

  public JdbcTraitStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public void ensure(String name, double initialWeight, double min, double max) {
    requireBounds(name, initialWeight, min, max);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(ENSURE)) {
      s.setString(1, name);
      s.setDouble(2, initialWeight);
      s.setDouble(3, min);
      s.setDouble(4, max);
      s.executeUpdate();
    } catch (SQLException e) {
      throw Sql.error("creation of trait " + name, e);
    }
  }

  private static void requireBounds(String name, double initial, double min, double max) {
    if (!(Double.isFinite(min) && Double.isFinite(max) && min <= max)) {
      throw new IllegalArgumentException(
          "trait "
              + name
              + ": bounds must be finite with min <= max but were ["
              + min
              + ", "
              + max
              + "]");
    }
    if (!(initial >= min && initial <= max)) {
      throw new IllegalArgumentException(
          "trait "
              + name
              + ": initial weight must be in ["
              + min
              + ", "
              + max
              + "] but was "
              + initial);
    }
  }

  @Override
  public Map<String, TraitWeight> all() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(ALL);
        ResultSet rs = s.executeQuery()) {
      Map<String, TraitWeight> traits = new LinkedHashMap<>();
      while (rs.next()) {
        TraitWeight t = read(rs);
        traits.put(t.name(), t);
      }
      return traits;
    } catch (SQLException e) {
      throw Sql.error("listing of traits", e);
    }
  }

  @Override
  public Optional<TraitWeight> find(String name) {
    try (Connection c = dataSource.getConnection()) {
      return findIn(c, name);
    } catch (SQLException e) {
      throw Sql.error("lookup of trait " + name, e);
    }
  }

  @Override
  public TraitWeight update(String name, double delta, String source, String reason) {
    requireFinite("delta", delta);
    return change(UPDATE, "update of trait " + name, name, delta, source, reason);
  }

  @Override
  public TraitWeight set(String name, double weight, String source, String reason) {
    requireFinite("weight", weight);
    return change(SET, "setting of trait " + name, name, weight, source, reason);
  }

  private static void requireFinite(String what, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(what + " must be a finite number but was " + value);
    }
  }

  private TraitWeight change(
      String sql, String operation, String name, double value, String source, String reason) {
    return Sql.inTransaction(
        dataSource, operation, c -> changeIn(c, sql, name, value, source, reason));
  }

  /**
   * Runs update ({@code UPDATE}) or set ({@code SET}) inside the caller's transaction and reads the
   * row back there: the row lock the function took is held until commit, so what is returned is
   * exactly this change.
   */
  static TraitWeight changeIn(
      Connection c, String sql, String name, double value, String source, String reason)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, name);
      s.setDouble(2, value);
      s.setString(3, source);
      s.setString(4, reason);
      s.execute();
    }
    return findIn(c, name).orElseThrow(() -> new NoSuchElementException("unknown trait " + name));
  }

  static TraitWeight updateIn(Connection c, String name, double delta, String source, String reason)
      throws SQLException {
    requireFinite("delta", delta);
    return changeIn(c, UPDATE, name, delta, source, reason);
  }

  private static Optional<TraitWeight> findIn(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(FIND)) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  @Override
  public List<TraitChange> history(String name, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(HISTORY)) {
      s.setString(1, name);
      s.setInt(2, limit);
      try (ResultSet rs = s.executeQuery()) {
        List<TraitChange> changes = new ArrayList<>();
        while (rs.next()) {
          changes.add(readChange(rs));
        }
        return changes;
      }
    } catch (SQLException e) {
      throw Sql.error("history of trait " + name, e);
    }
  }

  static TraitWeight read(ResultSet rs) throws SQLException {
    return new TraitWeight(
        rs.getString("name"),
        rs.getDouble("weight"),
        rs.getDouble("min_weight"),
        rs.getDouble("max_weight"),
        Sql.instant(rs, "updated_at"));
  }

  private static TraitChange readChange(ResultSet rs) throws SQLException {
    return new TraitChange(
        rs.getString("name"),
        rs.getDouble("old_weight"),
        rs.getDouble("new_weight"),
        rs.getDouble("delta"),
        rs.getString("source"),
        rs.getString("reason"),
        Sql.instant(rs, "created_at"));
  }
}
