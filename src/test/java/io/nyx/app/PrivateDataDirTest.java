package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.HttpTestClient;
import io.nyx.testing.NyxFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a running Nyx keeps in its data dir (journal, caches, the memory index) is its own user's
 * only, also when an older Nyx left the data dir readable by all (was: 755 directories, 644 files).
 */
class PrivateDataDirTest {
  @TempDir Path tmp;

  @Test
  void aRunningNyxKeepsItsDataDirToItself() throws IOException {
    Path dataDir = tmp.resolve("nyx");
    Files.createDirectories(dataDir);
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (NyxFixture fx = NyxFixture.start(dataDir)) {
      HttpTestClient.Reply r =
          fx.http().post("/infer", "{\"query\":\"plan my afternoon\",\"specialist\":\"kairos\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      List<Path> all;
      try (Stream<Path> walk = Files.walk(dataDir)) {
        all = walk.toList();
      }
      assertThat(all).contains(dataDir.resolve("journal"));
      for (Path p : all) {
        if (Files.isDirectory(p)) {
          assertThat(mode(p)).as(p.toString()).isEqualTo("rwx------");
        } else if (!p.startsWith(dataDir.resolve("memory-index"))) { // Lucene's: the dir guards
          assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
        }
      }
    }
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
