package io.nyx.persistence.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.persistence.Database;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded server against another local account, through real PostgreSQL: the attacks a local
 * user could make on an older Nyx, each of which must fail now. The data dir starts out as an older
 * Nyx left it (mode 755).
 */
class EmbeddedPostgresSecurityTest {
  /** password_authentication_failed; a client that offers no password is refused before. */
  static final String WRONG_PASSWORD = "28P01";

  private static Path dir;
  private static Database db;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("nyx-pg-security-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    db = Database.embedded(dir);
  }

  @AfterAll
  static void stop() {
    db.close();
    TestDatabase.deleteRecursively(dir);
  }

  /** Was: {@code psql -h 127.0.0.1 -p <port> -U postgres} gave any local user a superuser. */
  @Test
  void everyRoleMustGiveItsPassword() throws Exception {
    String url = db.jdbcUrl();
    for (String role : List.of("postgres", "nyx_app", "nyx_nobody")) {
      assertThatThrownBy(() -> DriverManager.getConnection(url, role, "").close())
          .as(role + " without a password")
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> DriverManager.getConnection(url, role, "wrong").close())
          .as(role + " with a wrong password")
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(WRONG_PASSWORD));
    }
    try (Connection c = DriverManager.getConnection(url, "postgres", ownerPassword());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = 'postgres'")) {
      assertThat(rs.next() && rs.getBoolean(1))
          .as("Nyx itself still logs in as the owner")
          .isTrue();
    }
  }

  @Test
  void pgHbaTrustsNobody() throws IOException {
    List<String> rules =
        Files.readAllLines(dir.resolve("pg/pg_hba.conf"), StandardCharsets.UTF_8).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertThat(rules).isNotEmpty().allMatch(l -> l.endsWith(" scram-sha-256"), "scram-sha-256");
    assertThat(rules).noneMatch(l -> l.contains("trust")).noneMatch(l -> l.startsWith("local"));
  }

  /** Was: a socket in /tmp that a {@code local all all trust} line let everyone use. */
  @Test
  void noUnixSocketAnotherUserCouldReach() throws IOException {
    int port = Integer.parseInt(postmasterPid().get(3).strip());
    assertThat(Path.of("/tmp/.s.PGSQL." + port)).doesNotExist();
    assertThat(postmasterPid().get(4)).as("socket directory in postmaster.pid").isBlank();
  }

  /** Was: binaries in /tmp/embedded-pg, made writable by everyone, for anyone to swap. */
  @Test
  void binariesRunFromInsideThePrivateDataDir() throws IOException {
    long pid = Long.parseLong(postmasterPid().get(0).strip());
    String command = ProcessHandle.of(pid).orElseThrow().info().command().orElseThrow();
    assertThat(Path.of(command)).startsWith(dir.toRealPath());
    assertThat(mode(dir.resolve("pg-bin"))).isEqualTo("rwx------");
  }

  /** Was: a 755 data dir; and the owner had no password to keep. */
  @Test
  void dataDirAndSecretsAreTheOwnersOnly() throws IOException {
    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(ownerPassword()).hasSizeGreaterThanOrEqualTo(32);
    for (String file : List.of("db-owner-password", "db-app-password", "pg.lock")) {
      assertThat(mode(dir.resolve(file))).as(file).isEqualTo("rw-------");
    }
  }

  /**
   * Was: zonky scanned {@code /tmp/embedded-pg}, open to everyone, at every start and ran {@code
   * pg_ctl stop} (as Nyx's user, signalling the pid in a planted {@code postmaster.pid}) and a
   * recursive delete on every subdirectory with an old {@code epg-lock}. The scanned directory is
   * {@code java.io.tmpdir/embedded-pg}: the test plants into a temp dir of its own, so zonky in
   * other JVMs on this machine, scanning the real {@code /tmp}, cannot interfere.
   */
  @Test
  void aPlantedStaleClusterInTmpIsLeftAlone() throws Exception {
    Path tmp = Files.createTempDirectory("nyx-pg-tmpdir-");
    Path planted = tmp.resolve("embedded-pg/planted");
    Process victim = new ProcessBuilder("sleep", "60").start();
    String tmpdir = System.getProperty("java.io.tmpdir");
    try {
      Files.createDirectories(planted);
      Files.writeString(planted.resolve("PG_VERSION"), "17\n");
      Files.writeString(planted.resolve("postmaster.pid"), victim.pid() + "\n" + planted + "\n");
      Path lock = Files.createFile(planted.resolve("epg-lock"));
      Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
      System.setProperty("java.io.tmpdir", tmp.toString());
      Database.embedded(tmp.resolve("nyx")).close();
      assertThat(victim.isAlive()).as("the process the planted pid file names").isTrue();
      assertThat(planted).isDirectory();
    } finally {
      System.setProperty("java.io.tmpdir", tmpdir);
      victim.destroyForcibly();
      TestDatabase.deleteRecursively(tmp);
    }
  }

  private static List<String> postmasterPid() throws IOException {
    return Files.readAllLines(dir.resolve("pg/postmaster.pid"), StandardCharsets.UTF_8);
  }

  private static String ownerPassword() throws IOException {
    return Files.readString(dir.resolve("db-owner-password"), StandardCharsets.US_ASCII).strip();
  }

  static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
