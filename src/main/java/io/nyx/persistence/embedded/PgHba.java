package io.nyx.persistence.embedded;

import io.nyx.fs.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The embedded cluster's {@code pg_hba.conf}, written whole by Nyx before every postmaster start:
 * every role, the superuser included, gives its password (scram-sha-256) over loopback TCP. There
 * is no {@code local} line because the server opens no Unix socket, and no {@code trust} line at
 * all, so knowing the port is not enough to connect. Edits made by hand are replaced.
 */
final class PgHba {
  static final List<String> LINES =
      List.of(
          "# Written by Nyx at every start of its embedded PostgreSQL: every role gives its",
          "# password (scram-sha-256) over loopback TCP. No Unix socket, no trust line.",
          "host all all 127.0.0.1/32 scram-sha-256",
          "host all all ::1/128 scram-sha-256");

  private PgHba() {}

  /** Whether {@code file} is exactly what {@link #write} writes. */
  static boolean isNyxs(Path file) throws IOException {
    return Files.exists(file) && Files.readAllLines(file, StandardCharsets.UTF_8).equals(LINES);
  }

  /** Replaces {@code file} atomically (mode 600), so a crash never leaves half a file. */
  static void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".nyx-tmp");
    Files.deleteIfExists(tmp);
    PrivateFiles.write(tmp, (String.join("\n", LINES) + "\n").getBytes(StandardCharsets.UTF_8));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
