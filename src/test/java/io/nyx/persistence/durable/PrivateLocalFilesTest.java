package io.nyx.persistence.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.learning.EvidenceSum;
import io.nyx.learning.TraitEvidence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spool and journal files hold queries, answers and what was learnt from them: another local user
 * must not read them (was: directories 755, files 644).
 */
class PrivateLocalFilesTest {
  @TempDir Path tmp;

  @Test
  void spoolFileAndItsDirectoryAreTheOwnersOnly() throws IOException {
    SpoolFile spool = new SpoolFile(tmp.resolve("spool/rows.spool"));
    spool.append("a query and its answer".getBytes(StandardCharsets.UTF_8));
    assertThat(mode(tmp.resolve("spool"))).isEqualTo("rwx------");
    assertThat(mode(spool.path())).isEqualTo("rw-------");
  }

  @Test
  void journalFilesAndTheirDirectoryAreTheOwnersOnly() throws IOException {
    Path dir = tmp.resolve("journal");
    FileEvidenceJournal journal = new FileEvidenceJournal(dir, 0);
    journal.append(new EvidenceSum.Target("kairos", 0), new TraitEvidence(1, 1));
    long sealed = journal.rotate();
    journal.sync();
    journal.applied(sealed);
    journal.close();
    assertThat(mode(dir)).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.toList())
          .isNotEmpty()
          .allSatisfy(f -> assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------"));
    }
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
