package io.nyx.persistence.embedded;

import io.nyx.persistence.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The embedded PostgreSQL another Nyx process runs on a data dir ({@code nyx serve}), found so that
 * a command run beside it ({@code nyx keys}, {@code memory import}, ...) can connect to it instead
 * of failing on the data dir's lock. A server holds {@code pg.lock} for as long as its postmaster
 * runs, and PostgreSQL writes the port it listens on into {@code pg/postmaster.pid} (line 4; line 8
 * is its status, "ready" once it accepts connections). The superuser's password is in the data
 * dir's {@code db-owner-password} (mode 600), readable by the same user only.
 *
 * @param port where the postmaster listens, on loopback
 * @param superuserPassword the {@link EmbeddedPostgresServer#SUPERUSER}'s; never log it
 */
public record RunningPostgres(int port, String superuserPassword) {
  /** 1-based lines of {@code postmaster.pid} (PostgreSQL's {@code LOCK_FILE_LINE_*}). */
  private static final int PID_LINE = 1;

  private static final int PORT_LINE = 4;
  private static final int STATUS_LINE = 8;

  /**
   * The PostgreSQL of the Nyx process that holds {@code baseDir}'s lock, or empty when none does
   * (then the caller may start its own).
   *
   * @throws StoreException when the lock is held but no ready postmaster is found: the server is
   *     starting or stopping, or was not started by this version of Nyx
   */
  public static Optional<RunningPostgres> of(Path baseDir) {
    Path base = baseDir.toAbsolutePath();
    if (!locked(base.resolve("pg.lock"))) {
      return Optional.empty();
    }
    Path pidFile = base.resolve("pg").resolve("postmaster.pid");
    List<String> lines = read(pidFile);
    if (lines.size() < STATUS_LINE
        || !lines.get(STATUS_LINE - 1).strip().equals("ready")
        || !alive(lines.get(PID_LINE - 1))) {
      throw new StoreException(
          "connection to the embedded PostgreSQL in " + base,
          new IllegalStateException(
              "another Nyx process holds this data directory but its PostgreSQL is not ready"
                  + " (starting or stopping?); try again in a few seconds"));
    }
    int port = Integer.parseInt(lines.get(PORT_LINE - 1).strip());
    return Optional.of(
        new RunningPostgres(port, PasswordFile.read(base.resolve(PasswordFile.OWNER))));
  }

  /** URL of {@code database}, without credentials. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  /** True when another process (or another server in this JVM) holds the lock. */
  private static boolean locked(Path lockFile) {
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true; // held by this JVM: a server started in-process (tests)
    } catch (NoSuchFileException e) {
      return false; // no Nyx has used this data dir yet
    } catch (IOException e) {
      throw new StoreException("lock check of " + lockFile, e);
    }
  }

  private static List<String> read(Path pidFile) {
    try {
      return Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of(); // not written yet, or removed by a stopping server
    }
  }

  private static boolean alive(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid.strip()))
          .map(ProcessHandle::isAlive)
          .orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "RunningPostgres[port " + port + "]"; // never the password
  }
}
