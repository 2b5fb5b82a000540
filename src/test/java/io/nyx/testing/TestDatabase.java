package io.nyx.testing;

import io.nyx.persistence.AppRole;
import io.nyx.persistence.Database;
import io.nyx.persistence.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

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
        Server.INSTANCE.jdbcUrl(createEmpty()), EmbeddedPostgresServer.SUPERUSER, null, APP_ROLE);
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

  /** JDBC URL of {@code database} on the shared test server (superuser, no password). */
  public static String jdbcUrl(String database) {
    return Server.INSTANCE.jdbcUrl(database);
  }

  /** The shared server's maintenance database, for CREATE DATABASE and the like. */
  public static String adminJdbcUrl() {
    return jdbcUrl("postgres");
  }

  /** A superuser connection to the maintenance database; the caller closes it. */
  public static Connection admin() throws SQLException {
    return DriverManager.getConnection(adminJdbcUrl(), EmbeddedPostgresServer.SUPERUSER, "");
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

    /** Zonky's own hook may be the one stopping the server, concurrently with this one. */
    private static void awaitStopped(Path pidFile) {
      for (int i = 0; i < 100 && Files.exists(pidFile); i++) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
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
}
