package io.nyx.persistence.jdbc;

import io.nyx.persistence.StoreException;
import io.nyx.text.StorableText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.NoSuchElementException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Small JDBC helpers shared by the stores: timestamps and the one SQLSTATE-to-error mapping. */
public final class Sql {
  /** Raised by the trait functions (V2) for an unknown trait. */
  static final String UNKNOWN_TRAIT = "NYX01";

  /** invalid_parameter_value: a function argument was NaN, infinite or null. */
  static final String INVALID_PARAMETER = "22023";

  private Sql() {}

  /**
   * The error a store throws: domain errors the functions raise on purpose become the Java
   * exceptions the contracts promise; everything else is a {@link StoreException} naming {@code
   * operation}.
   */
  static RuntimeException error(String operation, SQLException e) {
    String state = e.getSQLState();
    if (UNKNOWN_TRAIT.equals(state)) {
      NoSuchElementException unknown = new NoSuchElementException(e.getMessage());
      unknown.initCause(e);
      return unknown;
    }
    if (INVALID_PARAMETER.equals(state)) {
      return new IllegalArgumentException(e.getMessage(), e);
    }
    return new StoreException(operation, e);
  }

  /** A unit of work on one connection; may throw SQLException. */
  @FunctionalInterface
  public interface Work<T extends @Nullable Object> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
   * SQLExceptions are mapped by {@link #error}; runtime exceptions pass through unchanged.
   */
  public static <T extends @Nullable Object> T inTransaction(
      DataSource dataSource, String operation, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw error(operation, e);
    }
  }

  /** Binds the parameters of one statement. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  /** Runs one INSERT/UPDATE/DELETE on its own connection; returns the rows changed. */
  static int update(DataSource dataSource, String sql, String operation, Binder binder) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw error(operation, e);
    }
  }

  /**
   * Text as it is bound into a {@code text} column: U+0000 and unpaired surrogates, which
   * PostgreSQL refuses (SQLSTATE 22021) or cannot encode, become U+FFFD. The API refuses such text
   * from clients, but model output is not under Nyx's control and the client already has it: the
   * row must still be stored, or its insert would fail for good and be dead-lettered.
   */
  static String text(String value) {
    return StorableText.clean(value);
  }

  /** PostgreSQL keeps microseconds; truncating here makes what is stored what is read back. */
  static OffsetDateTime timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    if (t == null) {
      throw new SQLException("column " + column + " is null");
    }
    return t.toInstant();
  }
}
