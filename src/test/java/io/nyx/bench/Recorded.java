package io.nyx.bench;

import io.nyx.persistence.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;

/** What the load tools check after a run: every acknowledged answer is a row, and only one. */
final class Recorded {
  private Recorded() {}

  /** Prints acknowledged, recorded, lost and stored twice, prefixed with what was acknowledged. */
  static void print(EmbeddedPostgresServer pg, Set<String> acknowledged, String label)
      throws SQLException {
    try (Connection c = pg.connect("postgres")) {
      print(c, acknowledged, label);
    }
  }

  /** The same, on a connection to Nyx's database (e.g. the embedded one of a running server). */
  static void print(Connection c, Set<String> acknowledged, String label) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*) FILTER (WHERE id = ANY (?::uuid[])), count(*) - count(DISTINCT id)"
                + " FROM nyx_synthetic_specialist_queries")) {
      ps.setArray(1, c.createArrayOf("text", acknowledged.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        System.out.printf(
            "%s %d, recorded %d, lost %d, stored twice %d%n",
            label,
            acknowledged.size(),
            rs.getInt(1),
            acknowledged.size() - rs.getInt(1),
            rs.getInt(2));
      }
    }
  }
}
