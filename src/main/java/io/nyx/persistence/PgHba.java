package io.nyx.persistence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Edits the embedded cluster's {@code pg_hba.conf}: PostgreSQL uses the first matching line, so
 * lines that demand a password from one role go before initdb's {@code trust} lines.
 */
final class PgHba {
  private PgHba() {}

  /**
   * @return true when the file changed (the server must reload its configuration)
   */
  static boolean requirePassword(Path file, String role) throws IOException {
    List<String> wanted =
        List.of(
            "host all " + role + " 127.0.0.1/32 scram-sha-256",
            "host all " + role + " ::1/128 scram-sha-256");
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.containsAll(wanted)) {
      return false;
    }
    List<String> out = new ArrayList<>();
    out.add("# Nyx: its serving role logs in with a password (see EmbeddedPostgresServer)");
    out.addAll(wanted);
    out.addAll(lines);
    Files.write(file, out, StandardCharsets.UTF_8);
    return true;
  }
}
