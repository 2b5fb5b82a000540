package io.nyx.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Migrations whose comments were edited after they shipped: Flyway checksums a migration's whole
 * text, comments included, and refuses to start on a database that applied the old text. For each
 * such edit (and only for the exact old checksum) the recorded checksum is moved to the new one
 * before Flyway validates; a real change to a migration still fails validation as it should.
 */
final class MigrationChecksums {
  /** A comment-only edit of one applied migration. */
  record Edit(String version, int before, int after) {}

  /** V1: its first comment pointed at a design note that is not part of the repository. */
  static final List<Edit> EDITS = List.of(new Edit("1", 288544834, 1487903793));

  private static final String HISTORY = "SELECT to_regclass('flyway_schema_history') IS NOT NULL";

  private static final String REALIGN =
      "UPDATE flyway_schema_history SET checksum = ? WHERE version = ? AND checksum = ?";

  private MigrationChecksums() {}

  /** Moves the old checksums of {@link #EDITS} to the new ones; nothing on a fresh database. */
  static void realign(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(HISTORY);
        ResultSet rs = s.executeQuery()) {
      if (!rs.next() || !rs.getBoolean(1)) {
        return;
      }
    }
    try (PreparedStatement s = c.prepareStatement(REALIGN)) {
      for (Edit e : EDITS) {
        s.setInt(1, e.after());
        s.setString(2, e.version());
        s.setInt(3, e.before());
        s.executeUpdate();
      }
    }
  }
}
