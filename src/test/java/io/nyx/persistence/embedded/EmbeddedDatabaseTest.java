package io.nyx.persistence.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.context.Fact;
import io.nyx.persistence.Database;
import io.nyx.persistence.StoreException;
import io.nyx.persistence.jdbc.JdbcFactStore;
import io.nyx.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nyx's own PostgreSQL: a real server per test in its own directory (about 1-3 s each). */
class EmbeddedDatabaseTest {
  private Path dir;

  @BeforeEach
  void createDir() throws IOException {
    dir = Files.createTempDirectory("nyx-embedded-test-");
  }

  @AfterEach
  void deleteDir() {
    TestDatabase.deleteRecursively(dir);
  }

  @Test
  void restartOnSameDirectoryKeepsRows() {
    Fact stored;
    try (Database db = Database.embedded(dir)) {
      assertThat(db.isEmbedded()).isTrue();
      assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://localhost:").endsWith("/nyx");
      stored = new JdbcFactStore(db.dataSource()).add("Phoebe keeps her rows.", "test", 1.0);
    }
    assertThat(Files.exists(dir.resolve("pg/PG_VERSION"))).isTrue();
    try (Database db = Database.embedded(dir)) {
      assertThat(new JdbcFactStore(db.dataSource()).search("phoebe rows", 5)).contains(stored);
    }
  }

  /** The pool serves as nyx_app with the password kept (mode 600) in the data dir. */
  @Test
  void servesAsTheAppRoleWhosePasswordIsRequiredAndKept() throws Exception {
    String password;
    try (Database db = Database.embedded(dir)) {
      assertThat(TestDatabase.currentUser(db.dataSource())).isEqualTo("nyx_app");
      Path file = dir.resolve(PasswordFile.APP);
      password = Files.readString(file).strip();
      assertThat(password).hasSizeGreaterThanOrEqualTo(32);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      String url = db.jdbcUrl();
      assertThatThrownBy(() -> DriverManager.getConnection(url, "nyx_app", "wrong").close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
      DriverManager.getConnection(url, "nyx_app", password).close();
    }
    try (Database db = Database.embedded(dir)) { // a restart keeps the same password
      assertThat(Files.readString(dir.resolve(PasswordFile.APP)).strip()).isEqualTo(password);
      assertThat(TestDatabase.currentUser(db.dataSource())).isEqualTo("nyx_app");
    }
  }

  @Test
  void healthyUntilClosedAndServerStopsWithIt() throws Exception {
    Database db = Database.embedded(dir);
    assertThat(db.healthy()).isTrue();
    long postmaster = postmasterPid().orElseThrow();
    db.close();
    assertThat(db.healthy()).isFalse();
    // pg_ctl stop returns once the pid file is gone; the process exits a moment later
    assertThat(exited(postmaster)).isTrue();
    assertThat(Files.exists(dir.resolve("pg/postmaster.pid"))).isFalse();
  }

  @Test
  void secondOpenOfTheSameDirectoryIsRefused() {
    try (Database db = Database.embedded(dir)) {
      assertThatThrownBy(() -> Database.embedded(dir))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("another Nyx process");
      assertThat(db.healthy()).isTrue();
    }
  }

  /** kill -9 of Nyx leaves its postmaster running; the next start must stop it, not fail. */
  @Test
  void orphanedPostmasterOfAKilledJvmIsStopped() throws Exception {
    Process child = startChild();
    long orphan;
    try {
      awaitReady(child);
      orphan = postmasterPid().orElseThrow();
    } finally {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);
    try (Database db = Database.embedded(dir)) {
      assertThat(db.healthy()).isTrue();
      assertThat(exited(orphan)).isTrue();
    }
  }

  /** After a container restart the old pid often belongs to some unrelated live process. */
  @Test
  void stalePidFileNamingAnUnrelatedLiveProcessIsCleared() throws Exception {
    Database.embedded(dir).close();
    Process unrelated = new ProcessBuilder("sleep", "60").start();
    try {
      writeStalePidFile(unrelated.pid());
      try (Database db = Database.embedded(dir)) {
        assertThat(db.healthy()).isTrue();
      }
      assertThat(unrelated.isAlive()).isTrue();
    } finally {
      unrelated.destroyForcibly();
    }
  }

  @Test
  void stalePidFileNamingADeadProcessIsLeftToPostgres() throws Exception {
    Database.embedded(dir).close();
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor(10, TimeUnit.SECONDS);
    writeStalePidFile(gone.pid());
    try (Database db = Database.embedded(dir)) {
      assertThat(db.healthy()).isTrue();
    }
  }

  private void writeStalePidFile(long pid) throws IOException {
    Path pg = dir.resolve("pg").toRealPath();
    // postmaster.pid layout: pid, data dir, start time, port, socket dir, listen addr, shm key,
    // status
    Files.write(
        pg.resolve("postmaster.pid"),
        List.of(
            Long.toString(pid),
            pg.toString(),
            "1700000000",
            "5432",
            "/tmp",
            "localhost",
            "  5432001    123456",
            "ready   "),
        StandardCharsets.UTF_8);
  }

  private static boolean exited(long pid) throws Exception {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isPresent()) {
      process.get().onExit().get(10, TimeUnit.SECONDS);
    }
    return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }

  private Optional<Long> postmasterPid() {
    return StalePostmaster.readPid(dir.resolve("pg/postmaster.pid"));
  }

  private Process startChild() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            EmbeddedChild.class.getName(),
            dir.toString())
        .redirectErrorStream(true)
        .start();
  }

  private static void awaitReady(Process child) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith("READY ")) {
        return;
      }
      seen.append(line).append('\n');
    }
    throw new IllegalStateException("child JVM exited before READY:\n" + seen);
  }
}
