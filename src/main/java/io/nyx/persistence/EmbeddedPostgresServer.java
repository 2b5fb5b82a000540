package io.nyx.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;

/**
 * Nyx's own PostgreSQL server (zonky binaries), its cluster kept in {@code baseDir/pg} across
 * restarts, listening on a free loopback port with trust authentication for the superuser {@code
 * postgres}. Anyone on this machine who can reach the loopback port can connect: use an external
 * PostgreSQL where that matters.
 *
 * <p>Start-up order: refuse early when root cannot run PostgreSQL ({@link RootCheck}); take {@code
 * baseDir/pg.lock} so two Nyx processes never share a cluster; stop or clear what a killed previous
 * run left behind ({@link StalePostmaster}); then initdb (first time only) and pg_ctl start.
 *
 * <p>Thread-safe; {@link #close()} stops the server and is idempotent. Zonky also stops it from a
 * JVM shutdown hook, so an exiting JVM does not leave a postmaster running.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  public static final String SUPERUSER = "postgres";

  /** Durable settings for Nyx's data; zonky's defaults (synchronous_commit=off) suit tests only. */
  public static final Map<String, String> DURABLE = Map.of("synchronous_commit", "on");

  private static final Duration STARTUP_WAIT = Duration.ofSeconds(20);

  /** Attributes of the serving role: it may log in, and nothing more. */
  private static final String LOGIN_ONLY =
      "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT";

  private final EmbeddedPostgres postgres;
  private final FileLock lock;
  private final Path dataDir;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, FileLock lock, Path dataDir) {
    this.postgres = postgres;
    this.lock = lock;
    this.dataDir = dataDir;
  }

  /** Starts with durable settings; see {@link #start(Path, Map)}. */
  public static EmbeddedPostgresServer start(Path baseDir) {
    return start(baseDir, DURABLE);
  }

  /**
   * Starts (initialising on first use) the cluster in {@code baseDir/pg}.
   *
   * @param serverConfig extra postgresql.conf settings, e.g. fsync=off for throw-away test data
   * @throws StoreException when PostgreSQL cannot start; the message says what to do
   */
  public static EmbeddedPostgresServer start(Path baseDir, Map<String, String> serverConfig) {
    RootCheck.requireRunnable();
    Path dataDir = baseDir.toAbsolutePath().resolve("pg");
    FileLock lock = lock(baseDir);
    try {
      StalePostmaster.clear(dataDir);
      return new EmbeddedPostgresServer(launch(dataDir, serverConfig), lock, dataDir);
    } catch (RuntimeException e) {
      release(lock);
      throw e;
    }
  }

  private static EmbeddedPostgres launch(Path dataDir, Map<String, String> serverConfig) {
    try {
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(freeLoopbackPort())
              .setPGStartupWait(STARTUP_WAIT)
              .setServerConfig("listen_addresses", "localhost");
      serverConfig.forEach(builder::setServerConfig);
      return builder.start();
    } catch (IOException | RuntimeException e) {
      throw new StoreException("start of embedded PostgreSQL in " + dataDir, e);
    }
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static FileLock lock(Path baseDir) {
    Path lockFile = baseDir.toAbsolutePath().resolve("pg.lock");
    try {
      Files.createDirectories(baseDir);
      FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        channel.close();
        throw new StoreException(
            "lock of " + lockFile,
            new IllegalStateException(
                "another Nyx process uses this data directory; stop it or choose another one"));
      }
      return lock;
    } catch (IOException e) {
      throw new StoreException("lock of " + lockFile, e);
    }
  }

  private static @Nullable FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held by this very JVM: same answer as another process holding it
    }
  }

  private static void release(FileLock lock) {
    try {
      lock.channel().close(); // closing the channel releases the lock
    } catch (IOException e) {
      // Nothing to recover: the OS drops the lock when the process exits anyway.
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** The cluster directory ({@code baseDir/pg}). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Creates (or updates) {@code role} as a login role with no special attributes and sets its
   * password, then makes the server ask that role for the password (scram-sha-256) on loopback,
   * ahead of the cluster's trust lines. Idempotent; run at every start, so a changed password file
   * wins and attributes someone added are taken away again.
   *
   * <p>Why a password although the superuser keeps trust auth: the embedded cluster is documented
   * as reachable by anyone on this machine anyway (its superuser must stay passwordless for zonky's
   * start-up check). The serving role's password is not a barrier against local users; the role
   * itself is: a compromised or mistaken statement on Nyx's pool cannot drop, alter or truncate
   * anything. The password keeps other local programs from borrowing exactly this role.
   */
  public void ensureLoginRole(AppRole role) {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, "")) {
      if (!roleExists(c, role.user())) {
        execute(c, "CREATE ROLE " + role.quoted()); // validated identifier: no bind parameter
      }
      execute(c, "ALTER ROLE " + role.quoted() + " " + LOGIN_ONLY);
      c.unwrap(PGConnection.class)
          .alterUserPassword(role.user(), role.password().toCharArray(), "scram-sha-256");
      if (PgHba.requirePassword(dataDir.resolve("pg_hba.conf"), role.user())) {
        execute(c, "SELECT pg_reload_conf()");
      }
    } catch (SQLException | IOException e) {
      throw new StoreException("creation of role " + role.user() + " in " + dataDir, e);
    }
  }

  private static boolean roleExists(Connection c, String role) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      s.setString(1, role);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** URL of {@code database} for the {@link #SUPERUSER}; it carries no password (trust auth). */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port() + "/" + database;
  }

  @Override
  public void close() {
    try {
      postgres.close(); // pg_ctl stop -m fast; idempotent
    } catch (IOException e) {
      throw new StoreException("stop of embedded PostgreSQL in " + dataDir, e);
    } finally {
      release(lock);
    }
  }
}
