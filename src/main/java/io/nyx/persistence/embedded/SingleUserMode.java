package io.nyx.persistence.embedded;

import io.nyx.persistence.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postgresql.util.PasswordUtil;

/**
 * Sets the superuser's password with PostgreSQL in single-user mode ({@code postgres --single}): no
 * postmaster runs and nothing listens, so a cluster initialised by an older Nyx (pg_hba.conf
 * trusting every local connection, superuser without a password) gets its password before any
 * client could reach it. The statement carries a SCRAM verifier computed here (as pgjdbc's {@code
 * alterUserPassword} does), never the password itself, and goes in on stdin, not on the command
 * line that {@code ps} shows. The caller holds the cluster's lock, so no postmaster uses it.
 */
final class SingleUserMode {
  /** Crash recovery of a cluster whose postmaster was killed runs first; it may take a while. */
  private static final long TIMEOUT_SECONDS = 120;

  private static final String DONE = "nyx-password-set";

  private SingleUserMode() {}

  /**
   * @param postgres the {@code postgres} binary of the cluster's version
   * @throws StoreException when PostgreSQL fails or does not confirm the change
   */
  static void setSuperuserPassword(Path postgres, Path dataDir, String password) {
    String verifier = PasswordUtil.encodeScramSha256(password.toCharArray());
    // Newline ends a statement in single-user mode; the verifier is base64 plus "$:=", no quote.
    String script =
        "ALTER ROLE "
            + EmbeddedPostgresServer.SUPERUSER
            + " PASSWORD '"
            + verifier
            + "';\nSELECT '"
            + DONE
            + "' AS done FROM pg_authid WHERE rolname = '"
            + EmbeddedPostgresServer.SUPERUSER
            + "' AND rolpassword = '"
            + verifier
            + "';\n";
    String output = run(postgres, dataDir, script).replace(verifier, "***");
    if (!output.contains("done = \"" + DONE + "\"")) {
      throw failure(dataDir, new IllegalStateException("PostgreSQL did not confirm: " + output));
    }
  }

  private static String run(Path postgres, Path dataDir, String script) {
    List<String> command =
        RootCheck.asPostgresRuns(
            List.of(postgres.toString(), "--single", "-D", dataDir.toString(), "-F", "postgres"));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      CompletableFuture<String> output = readAll(p.getInputStream());
      try (OutputStream in = p.getOutputStream()) {
        in.write(script.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw failure(dataDir, new TimeoutException("no exit within " + TIMEOUT_SECONDS + " s"));
      }
      return output.get(5, TimeUnit.SECONDS) + "\n(exit code " + p.exitValue() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(dataDir, e);
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw failure(dataDir, e);
    }
  }

  /** Read on a thread of its own, so a chatty process never blocks on a full pipe. */
  private static CompletableFuture<String> readAll(InputStream in) {
    CompletableFuture<String> out = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("postgres-single-user-output")
        .start(
            () -> {
              try (in) {
                out.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                out.completeExceptionally(e);
              }
            });
    return out;
  }

  private static StoreException failure(Path dataDir, Exception cause) {
    return new StoreException(
        "setting of the superuser password in " + dataDir + " (postgres --single)", cause);
  }
}
