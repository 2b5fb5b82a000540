package io.nyx.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.app.Nyx;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Pattern;

/** One column of a stored query row ({@code nyx_synthetic_specialist_queries}), for assertions. */
public final class StoredRows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern COLUMN = Pattern.compile("[a-z_]+");

  private StoredRows() {}

  /** The column as text; fails the test when the row does not exist. */
  public static String text(Nyx nyx, String queryId, String column) {
    if (!COLUMN.matcher(column).matches()) {
      throw new IllegalArgumentException("not a column name: " + column);
    }
    try (Connection c = nyx.database().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + column
                    + "::text FROM nyx_synthetic_specialist_queries WHERE id = ?::uuid")) {
      ps.setString(1, queryId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("row %s", queryId).isTrue();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** A JSON column ({@code route}, {@code context}, ...), parsed. */
  public static JsonNode json(Nyx nyx, String queryId, String column) {
    try {
      return JSON.readTree(text(nyx, queryId, column));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Every column of the row, by name, as the driver returns them; fails when there is none. */
  public static java.util.Map<String, Object> row(Nyx nyx, String queryId) {
    try (Connection c = nyx.database().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT * FROM nyx_synthetic_specialist_queries WHERE id = ?::uuid")) {
      ps.setString(1, queryId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("row %s", queryId).isTrue();
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          m.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
        }
        return m;
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
