package io.nyx.persistence.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the embedded PostgreSQL's binaries are unpacked: {@code baseDir/pg-bin/PG-<md5>}, inside
 * Nyx's private (mode 700) data dir, instead of zonky's default {@code /tmp/embedded-pg}, which
 * zonky makes writable by everyone: there another local user could swap {@code postgres} for a
 * program of theirs and have Nyx run it.
 */
final class PgBinaries {
  static final String DIR = "pg-bin";

  /** Read by zonky's {@code Builder} constructor: the directory it scans for stale clusters. */
  private static final String ZONKY_WORKING_DIR = "ot.epg.working-dir";

  private static final Object PROPERTY_LOCK = new Object();

  private PgBinaries() {}

  /**
   * Zonky's builder, its binaries in {@code dir}. Without the property, every builder scans {@code
   * /tmp/embedded-pg} and, for each subdirectory holding an old {@code epg-lock}, runs {@code
   * pg_ctl stop} on it and deletes it: another local user could plant one there whose {@code
   * postmaster.pid} names a process of Nyx's user to be signalled, or a tree to be deleted. The
   * property is set only while the builder is constructed (it reads it then), under a lock.
   */
  static EmbeddedPostgres.Builder builder(Path dir) {
    EmbeddedPostgres.Builder builder;
    synchronized (PROPERTY_LOCK) {
      String before = System.getProperty(ZONKY_WORKING_DIR);
      System.setProperty(ZONKY_WORKING_DIR, dir.toString());
      try {
        builder = EmbeddedPostgres.builder();
      } finally {
        if (before == null) {
          System.clearProperty(ZONKY_WORKING_DIR);
        } else {
          System.setProperty(ZONKY_WORKING_DIR, before);
        }
      }
    }
    return builder.setOverrideWorkingDirectory(dir.toFile()).setPgBinaryResolver(new Resolver(dir));
  }

  /**
   * Zonky's default binaries, told apart by directory: zonky caches the unpacked directory per
   * resolver for the JVM's lifetime, so with its shared default resolver a second server in one JVM
   * would run the first one's binaries, wherever those are.
   */
  record Resolver(Path dir) implements PgBinaryResolver {
    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
      return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
    }
  }

  /**
   * The {@code postgres} binary zonky unpacked in {@code dir}: of several versions (Nyx upgraded
   * its binaries), the one unpacked last, whose {@code .exists} marker is newest.
   */
  static Path postgres(Path dir) throws IOException {
    try (Stream<Path> versions = Files.list(dir)) {
      Optional<Path> newest =
          versions
              .filter(v -> v.getFileName().toString().startsWith("PG-"))
              .filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
              .filter(v -> Files.exists(v.resolve(".exists")))
              .max(Comparator.comparing(PgBinaries::unpacked));
      return newest
          .map(v -> v.resolve("bin/postgres"))
          .orElseThrow(() -> new IOException("no unpacked PostgreSQL binaries in " + dir));
    }
  }

  private static FileTime unpacked(Path version) {
    try {
      return Files.getLastModifiedTime(version.resolve(".exists"));
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
