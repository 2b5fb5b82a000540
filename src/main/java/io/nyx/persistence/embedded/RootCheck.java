package io.nyx.persistence.embedded;

import io.nyx.persistence.StoreException;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * initdb and postgres refuse to run as root. Zonky 2.2.2 copes by wrapping every PostgreSQL command
 * in {@code unshare -U} when the JVM runs as root and {@code unshare -U id -u} answers a non-zero
 * uid (inside the new user namespace root is unmapped, so PostgreSQL sees uid 65534 and the data
 * directory, owned by root outside, as its own). Where user namespaces are blocked (some
 * containers, {@code user.max_user_namespaces=0}) that check fails, zonky runs initdb as root and
 * it dies with "cannot be run as root". This class detects that case up front and says what to do.
 */
final class RootCheck {
  static final String ADVICE =
      "PostgreSQL refuses to run as root and user namespaces (unshare -U) are not available"
          + " here; run Nyx as a normal user, or pass --db-url to an external PostgreSQL";

  private RootCheck() {}

  static void requireRunnable() {
    problem(isRoot(), RootCheck::unshareHidesRoot)
        .ifPresent(
            advice -> {
              throw new StoreException(
                  "start of embedded PostgreSQL", new IllegalStateException(advice));
            });
  }

  /** The advice when PostgreSQL cannot start; {@code userNamespaces} is asked only for root. */
  static Optional<String> problem(boolean root, BooleanSupplier userNamespaces) {
    return root && !userNamespaces.getAsBoolean() ? Optional.of(ADVICE) : Optional.empty();
  }

  /**
   * {@code command} (a PostgreSQL binary and its arguments) as zonky runs it: behind {@code unshare
   * -U} when the JVM is root and user namespaces work, so a binary Nyx runs itself (single-user
   * mode) sees the data directory exactly as initdb and the postmaster do.
   */
  static List<String> asPostgresRuns(List<String> command) {
    if (!LinuxUtils.isUnshareAvailable()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("unshare", "-U"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Effective uid 0; /proc/self belongs to the process's effective user. */
  static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return false; // not Linux: zonky does not unshare there either
    }
  }

  /** The same probe zonky makes before it decides to prefix commands with {@code unshare -U}. */
  static boolean unshareHidesRoot() {
    try {
      Process p = new ProcessBuilder("unshare", "-U", "id", "-u").redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.exitValue() == 0 && !uid.equals("0");
    } catch (IOException e) {
      return false; // no unshare binary
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("check of user namespaces", e);
    }
  }
}
