package io.nyx.persistence.embedded;

import io.nyx.fs.PrivateFiles;
import io.nyx.persistence.AppRole;
import io.nyx.persistence.StoreException;
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
import java.security.SecureRandom;
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
 * restarts, listening on a free loopback port. Every role, the superuser {@code postgres} included,
 * must give its password (scram-sha-256, {@link PgHba}); the server opens no Unix socket. The
 * superuser's password is generated once and kept in {@code baseDir/db-owner-password} (mode 600);
 * {@code baseDir} itself is made private (mode 700), and the binaries are unpacked inside it
 * ({@link PgBinaries}). So another local user who finds the port (it shows in {@code ps}) can
 * neither log in nor swap the programs Nyx runs.
 *
 * <p>Start-up order: refuse early when root cannot run PostgreSQL ({@link RootCheck}); take {@code
 * baseDir/pg.lock} so two Nyx processes never share a cluster; stop or clear what a killed previous
 * run left behind ({@link StalePostmaster}); then initdb (first time only, with the password) or,
 * for a cluster an older Nyx initialised with trust authentication, set the password in single-user
 * mode ({@link SingleUserMode}) while nothing listens; write pg_hba.conf; pg_ctl start.
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
  private final String superuserPassword;

  private EmbeddedPostgresServer(
      EmbeddedPostgres postgres, FileLock lock, Path dataDir, String superuserPassword) {
    this.postgres = postgres;
    this.lock = lock;
    this.dataDir = dataDir;
    this.superuserPassword = superuserPassword;
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
    Path base = baseDir.toAbsolutePath();
    privateDirectory(base);
    Path dataDir = base.resolve("pg");
    FileLock lock = lock(base);
    try {
      StalePostmaster.clear(dataDir);
      PasswordFile.Read owner =
          PasswordFile.readOrCreate(base.resolve(PasswordFile.OWNER), new SecureRandom());
      EmbeddedPostgres postgres = launch(base, dataDir, owner, serverConfig);
      return new EmbeddedPostgresServer(postgres, lock, dataDir, owner.password());
    } catch (RuntimeException e) {
      release(lock);
      throw e;
    }
  }

  private static void privateDirectory(Path dir) {
    try {
      PrivateFiles.directory(dir);
    } catch (IOException e) {
      throw new StoreException("creation of the private data directory " + dir, e);
    }
  }

  private static EmbeddedPostgres launch(
      Path base, Path dataDir, PasswordFile.Read owner, Map<String, String> serverConfig) {
    Path binaries = base.resolve(PgBinaries.DIR);
    // zonky's own test for running initdb; initdb then sets the password from the file
    boolean initdb = !Files.exists(dataDir.resolve("postgresql.conf"));
    try {
      PrivateFiles.directory(binaries);
      EmbeddedPostgres.Builder builder =
          PgBinaries.builder(binaries)
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(freeLoopbackPort())
              .setPGStartupWait(STARTUP_WAIT)
              // zonky runs initdb with "-A trust"; initdb takes the last --auth it is given
              .setLocaleConfig("auth", "scram-sha-256")
              .setLocaleConfig("pwfile", base.resolve(PasswordFile.OWNER).toString())
              // zonky's readiness check logs in as the superuser with these properties
              .setConnectConfig("password", owner.password())
              .setDataDirectoryCustomizer(dir -> secure(dataDir, binaries, owner, initdb));
      serverConfig.forEach(builder::setServerConfig);
      // Last, so no caller's settings undo them. Zonky hands them to pg_ctl -o, which a shell
      // parses: '' is the empty value, and an empty unix_socket_directories opens no socket (the
      // default, /tmp, would let every local user reach the server through a local line).
      builder
          .setServerConfig("listen_addresses", "localhost")
          .setServerConfig("unix_socket_directories", "''");
      return builder.start();
    } catch (IOException | RuntimeException e) {
      throw new StoreException("start of embedded PostgreSQL in " + dataDir, e);
    }
  }

  /**
   * Runs before every postmaster start (after initdb on the first). A cluster not initialised just
   * now gets the superuser's password first when the file's password is new (an older Nyx's trust
   * cluster, or a deleted file) or pg_hba.conf is not Nyx's (an upgrade cut short, a hand edit);
   * only then is pg_hba.conf rewritten, so no start ever trusts a connection.
   */
  private static void secure(
      Path dataDir, Path binaries, PasswordFile.Read owner, boolean initialised) {
    Path hba = dataDir.resolve("pg_hba.conf");
    try {
      if (!initialised && (owner.generated() || !PgHba.isNyxs(hba))) {
        SingleUserMode.setSuperuserPassword(
            PgBinaries.postgres(binaries), dataDir, owner.password());
      }
      PgHba.write(hba);
      PrivateFiles.directory(binaries); // zonky made it writable by everyone; keep it private
    } catch (IOException e) {
      throw new StoreException("securing of " + hba, e);
    }
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static FileLock lock(Path baseDir) {
    Path lockFile = baseDir.resolve("pg.lock");
    try {
      FileChannel channel =
          PrivateFiles.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
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
   * The {@link #SUPERUSER}'s password, for a caller that opens its own connections as the owner
   * (migrations, DDL). Never log it or put it in a URL.
   */
  public String superuserPassword() {
    return superuserPassword;
  }

  /** A new connection to {@code database} as the {@link #SUPERUSER}; the caller closes it. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), SUPERUSER, superuserPassword);
  }

  /**
   * Creates (or updates) {@code role} as a login role with no special attributes and sets its
   * password. Idempotent; run at every start, so a changed password file wins and attributes
   * someone added are taken away again. The role keeps a compromised or mistaken statement on Nyx's
   * pool from dropping, altering or truncating anything; its password (like every role's, {@link
   * PgHba}) keeps other local programs from borrowing it.
   */
  public void ensureLoginRole(AppRole role) {
    try (Connection c = connect("postgres")) {
      if (!roleExists(c, role.user())) {
        execute(c, "CREATE ROLE " + role.quoted()); // validated identifier: no bind parameter
      }
      execute(c, "ALTER ROLE " + role.quoted() + " " + LOGIN_ONLY);
      c.unwrap(PGConnection.class)
          .alterUserPassword(role.user(), role.password().toCharArray(), "scram-sha-256");
    } catch (SQLException e) {
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

  /**
   * URL of {@code database}; it carries no credentials: log in as {@link #SUPERUSER} with {@link
   * #superuserPassword()}, or as a role made by {@link #ensureLoginRole}.
   */
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

  @Override
  public String toString() {
    return "EmbeddedPostgresServer[" + dataDir + ", port " + port() + "]"; // never the password
  }
}
