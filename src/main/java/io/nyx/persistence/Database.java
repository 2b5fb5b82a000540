package io.nyx.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nyx.persistence.embedded.EmbeddedPostgresServer;
import io.nyx.persistence.embedded.PasswordFile;
import io.nyx.persistence.embedded.RunningPostgres;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;

/**
 * Phoebe: a pooled, migrated PostgreSQL database, either Nyx's own embedded server or an external
 * one. Opening migrates the schema (Flyway, {@code classpath:db/migration}) and creates the
 * upcoming monthly partitions of the request log, as the owner; with an {@link AppRole} (always for
 * the embedded server) the pool then runs as that least-privileged role. Thread-safe; {@link
 * #close()} closes the pool and then stops the embedded server, if any.
 */
public final class Database implements AutoCloseable {
  /** Database created inside the embedded cluster (its "postgres" database stays for admin). */
  static final String EMBEDDED_DATABASE = "nyx";

  static final int POOL_SIZE = 8;

  /** Flyway holds one connection for its lock while it migrates on another. */
  static final int OWNER_POOL_SIZE = 2;

  static final long CONNECTION_TIMEOUT_MS = 3_000;
  static final int CONNECT_TIMEOUT_SECONDS = 3;
  static final int LOGIN_TIMEOUT_SECONDS = 5;
  static final int SOCKET_TIMEOUT_SECONDS = 60;
  static final int HEALTH_TIMEOUT_MS = 1_000;

  /** After a failed connection attempt, callers fail at once for this long, then one probes. */
  static final Duration FAIL_FAST = Duration.ofMillis(500);

  /** Months of request-log partitions kept ready ahead of the current one. */
  static final int PARTITION_MONTHS_AHEAD = 3;

  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("([?&](?:ssl)?password=)[^&]*", Pattern.CASE_INSENSITIVE);

  private final HikariDataSource pool;
  private final DataSource guarded;
  private final String jdbcUrl;
  private final @Nullable EmbeddedPostgresServer server;

  /**
   * The owner's credentials when the pool runs as another role (DDL needs the owner), else null.
   */
  private final @Nullable Owner owner;

  /**
   * Where and as whom the owner connects; kept for the partition upkeep of a long-running server.
   */
  private record Owner(String url, @Nullable String user, @Nullable String password) {
    @Override
    public String toString() {
      return "Owner[" + redact(url) + ", " + user + "]"; // never the password
    }
  }

  private Database(
      HikariDataSource pool,
      String jdbcUrl,
      @Nullable EmbeddedPostgresServer server,
      @Nullable Owner owner) {
    this.pool = pool;
    this.guarded = new FailFastDataSource(pool, FAIL_FAST, System::nanoTime);
    this.jdbcUrl = jdbcUrl;
    this.server = server;
    this.owner = owner;
  }

  /**
   * Starts Nyx's own PostgreSQL with its cluster in {@code dataDir/pg} (kept across restarts) and
   * opens database {@value #EMBEDDED_DATABASE} in it.
   *
   * @throws StoreException when the server cannot start (the message says what to do instead)
   */
  public static Database embedded(Path dataDir) {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir);
    try {
      createDatabaseIfAbsent(server);
      String appPassword =
          PasswordFile.readOrCreate(dataDir.resolve(PasswordFile.APP), new SecureRandom())
              .password();
      AppRole app = new AppRole(AppRole.EMBEDDED_USER, appPassword);
      server.ensureLoginRole(app);
      String url = server.jdbcUrl(EMBEDDED_DATABASE);
      return open(url, EmbeddedPostgresServer.SUPERUSER, server.superuserPassword(), app, server);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Connects to the embedded PostgreSQL another Nyx process runs on {@code dataDir} (found by
   * {@link RunningPostgres#of}), as that server's own serving role, without migrating or starting
   * anything: for a command run beside {@code nyx serve}. Closing closes the pool only.
   *
   * @throws StoreException when it cannot be reached, or its schema is older than this version's
   *     (the server has not run this version's migrations; they are not run beside it)
   */
  public static Database besideServer(Path dataDir, RunningPostgres running) {
    String url = running.jdbcUrl(EMBEDDED_DATABASE);
    requireMigrated(url, EmbeddedPostgresServer.SUPERUSER, running.superuserPassword(), dataDir);
    String app = PasswordFile.read(dataDir.resolve(PasswordFile.APP));
    HikariDataSource pool = connect(url, AppRole.EMBEDDED_USER, app, url, OWNER_POOL_SIZE);
    return new Database(pool, url, null, null);
  }

  private static void requireMigrated(String url, String user, String password, Path dataDir) {
    int pending;
    try {
      pending =
          Flyway.configure()
              .dataSource(url, user, password)
              .locations("classpath:db/migration")
              .load()
              .info()
              .pending()
              .length;
    } catch (FlywayException e) {
      throw new StoreException("schema check of " + url, e);
    }
    if (pending > 0) {
      throw new StoreException(
          "schema check of " + url,
          new IllegalStateException(
              "the Nyx server running on "
                  + dataDir
                  + " is an older version ("
                  + pending
                  + " migration(s) behind this one); restart it with this version first"));
    }
  }

  /**
   * Connects to an existing PostgreSQL and migrates it.
   *
   * @throws StoreException when it is unreachable or the migration fails; names the URL, never the
   *     password
   */
  public static Database external(
      String jdbcUrl, @Nullable String user, @Nullable String password) {
    return open(jdbcUrl, user, password, null, null);
  }

  /**
   * Like {@link #external(String, String, String)}, but only the migration runs as {@code owner};
   * the owner then grants {@code app} its privileges ({@code db/app-grants.sql}) and the pool runs
   * as {@code app}.
   */
  public static Database external(
      String jdbcUrl, @Nullable String owner, @Nullable String ownerPassword, AppRole app) {
    return open(jdbcUrl, owner, ownerPassword, app, null);
  }

  private static Database open(
      String url,
      @Nullable String user,
      @Nullable String password,
      @Nullable AppRole app,
      @Nullable EmbeddedPostgresServer server) {
    String shownUrl = redact(url);
    Owner ownerRole = app == null ? null : new Owner(url, user, password);
    if (app != null) {
      try (HikariDataSource owner = connect(url, user, password, shownUrl, OWNER_POOL_SIZE)) {
        migrate(owner, shownUrl);
        AppGrants.apply(owner, app, shownUrl);
      }
      user = app.user();
      password = app.password().isEmpty() ? null : app.password();
    }
    HikariDataSource pool = connect(url, user, password, shownUrl, POOL_SIZE);
    try {
      if (app == null) {
        migrate(pool, shownUrl);
      }
      return new Database(pool, shownUrl, server, ownerRole);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static HikariDataSource connect(
      String url, @Nullable String user, @Nullable String password, String shownUrl, int size) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(size == OWNER_POOL_SIZE ? "phoebe-owner" : "phoebe");
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(Math.min(2, size));
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    config.setDataSourceProperties(driverProperties());
    try {
      return new HikariDataSource(config); // fails fast: tries one connection now
    } catch (RuntimeException e) {
      throw new StoreException("connection to " + shownUrl, rootCause(e));
    }
  }

  /** pgjdbc settings for every connection Nyx opens, pooled or not. */
  private static java.util.Properties driverProperties() {
    java.util.Properties props = new java.util.Properties();
    // Bounds the TCP connect too: a blackholed host would otherwise hang for pgjdbc's 10 s.
    props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    // A server that accepts the connection but never answers (shutting down, a dead backend behind
    // a proxy) would hang the pool's connection adder, and with it every later request, for good.
    props.setProperty("loginTimeout", Integer.toString(LOGIN_TIMEOUT_SECONDS));
    // A read that waits longer than this is a half-open connection, not a slow query: Nyx's
    // statements are short (imports and index rebuilds read in batches).
    props.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
    props.setProperty("ApplicationName", "nyx");
    props.setProperty("tcpKeepAlive", "true");
    return props;
  }

  private static void migrate(DataSource dataSource, String shownUrl) {
    try (Connection c = dataSource.getConnection()) {
      MigrationChecksums.realign(c);
    } catch (SQLException e) {
      throw new StoreException("migration of " + shownUrl, e);
    }
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StoreException("migration of " + shownUrl, e);
    }
    try (Connection c = dataSource.getConnection()) {
      ensurePartitions(c);
    } catch (SQLException e) {
      throw new StoreException("creation of partitions in " + shownUrl, e);
    }
  }

  /**
   * Creates the request-log partitions from this month to {@value #PARTITION_MONTHS_AHEAD} months
   * ahead that do not exist yet, as the owner (partitions are DDL, which the serving role may not
   * run), and returns how many it created. Opening does this once; a server that runs for months
   * calls it again now and then, or its rows would end up in the DEFAULT partition.
   *
   * @throws StoreException when the database cannot be reached or refuses
   */
  public int ensurePartitions() {
    try (Connection c = ownerConnection()) {
      return ensurePartitions(c);
    } catch (SQLException e) {
      throw new StoreException("creation of partitions in " + jdbcUrl, e);
    }
  }

  /** A connection of its own as the owner (closed after use), or the pool's when it is one. */
  private Connection ownerConnection() throws SQLException {
    if (owner == null) {
      return guarded.getConnection();
    }
    java.util.Properties props = driverProperties();
    if (owner.user() != null) {
      props.setProperty("user", owner.user());
    }
    if (owner.password() != null) {
      props.setProperty("password", owner.password());
    }
    return DriverManager.getConnection(owner.url(), props);
  }

  private static int ensurePartitions(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT nyx_ensure_partitions(?)")) {
      s.setInt(1, PARTITION_MONTHS_AHEAD);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void createDatabaseIfAbsent(EmbeddedPostgresServer server) {
    try (Connection c = server.connect("postgres");
        PreparedStatement exists =
            c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, EMBEDDED_DATABASE);
      try (ResultSet rs = exists.executeQuery()) {
        if (!rs.next()) {
          createDatabase(c);
        }
      }
    } catch (SQLException e) {
      throw new StoreException("creation of database " + EMBEDDED_DATABASE, e);
    }
  }

  private static void createDatabase(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + EMBEDDED_DATABASE); // a constant identifier: no parameter
    }
  }

  /** The URL with any {@code password=} parameter masked, safe for logs and error messages. */
  static String redact(String url) {
    return PASSWORD_PARAM.matcher(url).replaceAll("$1***");
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** The pool, behind a breaker that fails fast while the server is unreachable. */
  public DataSource dataSource() {
    return guarded;
  }

  /** The URL in use, password masked. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public boolean isEmbedded() {
    return server != null;
  }

  /**
   * {@code SELECT 1} answered within about a second. Never throws; false once closed. Runs on a
   * virtual thread so a pool that waits for a connection cannot hold the caller past the limit.
   */
  public boolean healthy() {
    if (pool.isClosed()) {
      return false;
    }
    CompletableFuture<Boolean> probe = new CompletableFuture<>();
    Thread.ofVirtual().name("phoebe-health").start(() -> probe.complete(selectOne()));
    try {
      return probe.get(HEALTH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  private boolean selectOne() {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(1);
      try (ResultSet rs = s.executeQuery("SELECT 1")) {
        return rs.next() && rs.getInt(1) == 1;
      }
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
    if (server != null) {
      server.close();
    }
  }

  @Override
  public String toString() {
    return "Database[" + jdbcUrl + (isEmbedded() ? ", embedded" : "") + "]";
  }
}
