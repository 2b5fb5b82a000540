package io.nyx.testing;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.persistence.AppRole;
import io.nyx.persistence.Database;
import io.nyx.persistence.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One embedded PostgreSQL per test JVM, started on first use in a temporary directory and stopped
 * (directory deleted) by a shutdown hook. Each {@link #fresh()} is a new database in it, so test
 * classes are isolated and a database costs a CREATE DATABASE plus a migration (~0.1-0.3 s), not a
 * server start. The server runs without fsync: its data is thrown away.
 *
 * <p>Thread-safe. Callers close the {@link Database}s they get.
 */
public final class TestDatabase {
  /** Throw-away data: no fsync, no waiting for the WAL. */
  private static final Map<String, String> FAST =
      Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off");

  private static final AtomicInteger NEXT = new AtomicInteger();

  /** The shared server's superuser, who migrates the test databases. */
  public static final String SUPERUSER = EmbeddedPostgresServer.SUPERUSER;

  private TestDatabase() {}

  /**
   * The serving role of every {@link #fresh()} database, as in production: the whole suite runs its
   * pools without DDL rights, so a missing grant fails a test. (A throw-away cluster: a fixed
   * password will do.)
   */
  public static final AppRole APP_ROLE = new AppRole(AppRole.EMBEDDED_USER, "nyx-test-app");

  /**
   * A newly created database, migrated by the superuser, connected as an external one whose pool
   * runs as {@link #APP_ROLE}.
   */
  public static Database fresh() {
    return Database.external(
        Server.INSTANCE.jdbcUrl(createEmpty()), SUPERUSER, superuserPassword(), APP_ROLE);
  }

  /** {@code database} opened (and migrated) as the superuser, its pool too. */
  public static Database asOwner(String database) {
    return asOwnerUrl(jdbcUrl(database));
  }

  /** Like {@link #asOwner}, for a URL that leads to the shared server (e.g. through a proxy). */
  public static Database asOwnerUrl(String url) {
    return Database.external(url, SUPERUSER, superuserPassword());
  }

  /** Creates a new database with nothing in it and returns its name. */
  public static String createEmpty() {
    String name = "nyx_test_" + NEXT.incrementAndGet();
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name); // generated identifier: cannot be a parameter
    } catch (SQLException e) {
      throw new IllegalStateException("CREATE DATABASE " + name + " failed", e);
    }
    return name;
  }

  /**
   * JDBC URL of {@code database} on the shared test server, without credentials: log in as {@link
   * #SUPERUSER} with {@link #superuserPassword()} (every role needs its password, as in
   * production).
   */
  public static String jdbcUrl(String database) {
    return Server.INSTANCE.jdbcUrl(database);
  }

  /**
   * The URL with the superuser's name and password as parameters, for the CLI's {@code --db-url} (a
   * throw-away test server; production code never puts a password in a URL).
   */
  public static String ownerUrl(String database) {
    return ownerUrlOf(jdbcUrl(database));
  }

  /** {@code url} (of the shared test server, without parameters) with the superuser's login. */
  public static String ownerUrlOf(String url) {
    return url + "?user=" + SUPERUSER + "&password=" + superuserPassword();
  }

  /** The shared server's superuser password. */
  public static String superuserPassword() {
    return Server.INSTANCE.superuserPassword();
  }

  /** A superuser connection to {@code database}; the caller closes it. */
  public static Connection connect(String database) throws SQLException {
    return Server.INSTANCE.connect(database);
  }

  /** The shared server's maintenance database, for CREATE DATABASE and the like. */
  public static String adminJdbcUrl() {
    return jdbcUrl("postgres");
  }

  /** A superuser connection to the maintenance database; the caller closes it. */
  public static Connection admin() throws SQLException {
    return connect("postgres");
  }

  /** A superuser connection to the database at {@code url} (of the shared test server). */
  public static Connection connectUrl(String url) throws SQLException {
    return DriverManager.getConnection(url, SUPERUSER, superuserPassword());
  }

  /** Lazy holder: the server starts on first use, once per JVM. */
  private static final class Server {
    static final EmbeddedPostgresServer INSTANCE = start();

    private static EmbeddedPostgresServer start() {
      try {
        Path dir = Files.createTempDirectory("nyx-testdb-");
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, FAST);
        server.ensureLoginRole(APP_ROLE);
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> stop(server, dir), "nyx-testdb-stop"));
        return server;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void stop(EmbeddedPostgresServer server, Path dir) {
      server.close();
      awaitStopped(server.dataDir().resolve("postmaster.pid"));
      deleteRecursively(dir);
    }

    /**
     * Zonky's own hook may be the one stopping the server, concurrently with this one. Polled on
     * the hook's own thread: the JVM is exiting.
     */
    private static void awaitStopped(Path pidFile) {
      try {
        await("the test server stopped")
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(100))
            .pollInSameThread()
            .until(() -> !Files.exists(pidFile));
      } catch (ConditionTimeoutException e) {
        // still running: delete what can be deleted (best effort, as the deletion is)
      }
    }
  }

  /** Deletes {@code dir} and everything below it; best effort (a test JVM is exiting). */
  public static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // already gone or unreadable: nothing more to clean
    }
  }

  /**
   * The role a pool connects as, checked to be neither superuser nor able to create roles or
   * databases.
   */
  public static String currentUser(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_user, r.rolsuper, r.rolcreatedb, r.rolcreaterole"
                    + " FROM pg_roles r WHERE r.rolname = current_user")) {
      rs.next();
      assertThat(rs.getBoolean(2)).as("superuser").isFalse();
      assertThat(rs.getBoolean(3)).as("createdb").isFalse();
      assertThat(rs.getBoolean(4)).as("createrole").isFalse();
      return rs.getString(1);
    }
  }
}
