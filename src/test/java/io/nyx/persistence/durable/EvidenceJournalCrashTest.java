package io.nyx.persistence.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.learning.BatchingTraitLearner;
import io.nyx.learning.ClusterStore;
import io.nyx.learning.EvidenceJournal;
import io.nyx.learning.EvidenceSum;
import io.nyx.learning.ForwardingJournal;
import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitPosterior;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcTraitStore;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trait evidence across crashes, against PostgreSQL: evidence journaled but never flushed is
 * applied by the next process; a batch applied just before the crash (its file not yet deleted) is
 * not applied again; a line torn by the crash is skipped. "Crash" = the learner is abandoned
 * without {@code close()} and a new one opens the same journal directory, as a restart after kill
 * -9 does (CrashRecoveryTest kills a real process).
 */
class EvidenceJournalCrashTest {
  private static Database db;
  private static JdbcTraitStore traits;
  private static final Duration NEVER = Duration.ofHours(1); // no flush unless asked

  @TempDir Path dir;

  @BeforeAll
  static void open() {
    db = TestDatabase.fresh();
    traits = new JdbcTraitStore(db.dataSource());
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static double trials(String trait) {
    return traits.posteriors().get(trait).trials();
  }

  private static BatchingTraitLearner learner(EvidenceJournal journal) {
    return new BatchingTraitLearner(traits, journal, w -> {}, NEVER, InstantSource.system());
  }

  @Test
  void evidenceThatNeverReachedAFlushIsAppliedAfterTheRestart() {
    traits.ensure("crash-a", 0.5, 0, 1);
    Path journalDir = dir.resolve("journal");
    FileEvidenceJournal firstJournal = new FileEvidenceJournal(journalDir, 0);
    BatchingTraitLearner first = learner(firstJournal);
    for (int i = 0; i < 3; i++) {
      first.add("crash-a", TraitEvidence.ofReward(1, 1), "reward");
      first.addInCluster("crash-a", 2, TraitEvidence.ofReward(1, 1));
      first.addInCluster(ClusterStore.BASE, 2, TraitEvidence.ofReward(-1, 1));
    }
    double before = trials("crash-a");
    // kill -9: no flush, no close; the process's file lock goes with it
    releaseLock(firstJournal);

    try (BatchingTraitLearner second = learner(new FileEvidenceJournal(journalDir, 0))) {
      second.flush();
    }

    assertThat(trials("crash-a") - before).isEqualTo(3.0);
    TraitPosterior inCluster = traits.clusterPosteriors().get("crash-a").get(2);
    assertThat(inCluster.trials()).isEqualTo(3.0);
    assertThat(traits.baseClusters().get(2).trials()).isEqualTo(3.0);
    assertThat(segments(journalDir)).isEmpty();
  }

  @Test
  void aBatchAppliedJustBeforeTheCrashIsNotAppliedAgain() {
    traits.ensure("crash-b", 0.5, 0, 1);
    Path journalDir = dir.resolve("journal");
    // The crash falls between the commit and the deletion of the segment's file.
    FileEvidenceJournal firstJournal = new FileEvidenceJournal(journalDir, 0);
    EvidenceJournal keepsFiles = new KeepsFiles(firstJournal);
    BatchingTraitLearner first = learner(keepsFiles);
    first.add("crash-b", TraitEvidence.ofReward(1, 1), "reward");
    first.add("crash-b", TraitEvidence.ofReward(1, 1), "reward");
    double before = trials("crash-b");
    first.flush();
    assertThat(trials("crash-b") - before).isEqualTo(2.0);
    assertThat(segments(journalDir)).hasSize(1);
    releaseLock(firstJournal);

    FileEvidenceJournal reopened = new FileEvidenceJournal(journalDir, 0);
    assertThat(reopened.leftovers()).hasSize(1);
    try (BatchingTraitLearner second = learner(reopened)) {
      second.add("crash-b", TraitEvidence.ofReward(1, 1), "reward");
      second.flush();
    }

    assertThat(trials("crash-b") - before)
        .as("2 before the crash + 1 after, none twice")
        .isEqualTo(3.0);
    assertThat(segments(journalDir)).isEmpty();
  }

  @Test
  void aLineTornByTheCrashIsSkippedAndTheRestCounts() throws IOException {
    traits.ensure("crash-c", 0.5, 0, 1);
    Path journalDir = dir.resolve("journal");
    FileEvidenceJournal firstJournal = new FileEvidenceJournal(journalDir, 0);
    BatchingTraitLearner first = learner(firstJournal);
    first.add("crash-c", TraitEvidence.ofReward(1, 1), "reward");
    first.add("crash-c", TraitEvidence.ofReward(1, 1), "reward");
    Path open = segments(journalDir).getLast();
    Files.writeString(
        open, "crash-c\t-1\t1.0\t1", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    releaseLock(firstJournal);
    double before = trials("crash-c");

    try (BatchingTraitLearner second = learner(new FileEvidenceJournal(journalDir, 0))) {
      second.flush();
    }

    assertThat(trials("crash-c") - before).isEqualTo(2.0);
  }

  @Test
  void numbersKeepRisingWhenEveryFileWasAppliedAndTheFloorIsBehind() {
    traits.ensure("crash-d", 0.5, 0, 1);
    Path journalDir = dir.resolve("journal");
    double before = trials("crash-d");
    try (BatchingTraitLearner first = learner(new FileEvidenceJournal(journalDir, 1_000_000))) {
      first.add("crash-d", TraitEvidence.ofReward(1, 1), "reward");
    }
    // A clock set back: the floor is lower now, the watermark is what keeps numbers rising.
    try (BatchingTraitLearner second = learner(new FileEvidenceJournal(journalDir, 5))) {
      second.add("crash-d", TraitEvidence.ofReward(1, 1), "reward");
    }
    assertThat(trials("crash-d") - before).isEqualTo(2.0);
  }

  /**
   * With the clock set back and the database away at the next start, the watermark cannot lift the
   * numbers: the emptied last segment does, so new evidence is never numbered at or below what the
   * database has already applied (which would skip it).
   */
  @Test
  void numbersKeepRisingWithTheClockBackAndNoWatermark() throws IOException {
    Path journalDir = dir.resolve("journal-offline");
    long used;
    try (FileEvidenceJournal first = new FileEvidenceJournal(journalDir, 1_000_000)) {
      first.append(
          new EvidenceSum.Target("crash-e", EvidenceSum.TRAIT), TraitEvidence.ofReward(1, 1));
      used = first.rotate();
      first.sync();
      first.applied(used);
    }
    try (FileEvidenceJournal second = new FileEvidenceJournal(journalDir, 5)) {
      assertThat(second.leftovers()).as("nothing left to apply").isEmpty();
      second.append(
          new EvidenceSum.Target("crash-e", EvidenceSum.TRAIT), TraitEvidence.ofReward(1, 1));
      assertThat(second.rotate()).isGreaterThan(used);
    }
    try (java.util.stream.Stream<Path> files = Files.list(journalDir)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("seg-")).count())
          .as("one mark and the unapplied segment, no pile of empty files")
          .isLessThanOrEqualTo(3);
    }
  }

  @Test
  void anInterruptedCallerDoesNotStopTheJournal() {
    Path journalDir = dir.resolve("journal");
    FileEvidenceJournal journal = new FileEvidenceJournal(journalDir, 0);
    EvidenceSum.Target a = new EvidenceSum.Target("crash-e", EvidenceSum.TRAIT);
    Thread.currentThread().interrupt(); // e.g. a request thread whose call was cancelled
    try {
      journal.append(a, TraitEvidence.ofReward(1, 1));
    } finally {
      assertThat(Thread.interrupted()).isTrue();
    }
    journal.append(a, TraitEvidence.ofReward(1, 1));
    // kill -9: reopen without closing (the lock goes with the process; here, with the channel)
    releaseLock(journal);
    List<EvidenceJournal.Segment> left = new FileEvidenceJournal(journalDir, 0).leftovers();
    assertThat(left).hasSize(1);
    assertThat(left.getFirst().sums().getFirst().answers()).isEqualTo(2);
  }

  @Test
  void aSecondProcessOnTheSameDataDirCannotTakeTheJournal() {
    Path journalDir = dir.resolve("journal");
    FileEvidenceJournal first = new FileEvidenceJournal(journalDir, 0);
    try {
      assertThat(FileEvidenceJournal.available(journalDir)).isFalse();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> new FileEvidenceJournal(journalDir, 0))
          .hasMessageContaining("held by another process");
    } finally {
      first.close();
    }
    assertThat(FileEvidenceJournal.available(journalDir)).isTrue();
  }

  @Test
  void theJournalKeepsItsIdAcrossOpens() {
    Path journalDir = dir.resolve("journal");
    FileEvidenceJournal first = new FileEvidenceJournal(journalDir, 0);
    UUID id = first.id();
    first.close();
    FileEvidenceJournal second = new FileEvidenceJournal(journalDir, 0);
    assertThat(second.id()).isEqualTo(id);
    second.close();
  }

  /** What the end of a killed process does to its lock, without closing the journal. */
  private static void releaseLock(FileEvidenceJournal journal) {
    try {
      var f = FileEvidenceJournal.class.getDeclaredField("lockChannel");
      f.setAccessible(true);
      ((java.nio.channels.FileChannel) f.get(journal)).close();
    } catch (ReflectiveOperationException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> segments(Path journalDir) {
    try (var files = Files.list(journalDir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("seg-"))
          .filter(p -> p.toFile().length() > 0)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A journal whose applied segments stay on disk, as after a crash right after the commit. */
  private static final class KeepsFiles extends ForwardingJournal {
    KeepsFiles(EvidenceJournal inner) {
      super(inner);
    }

    @Override
    public void applied(long seq) {}
  }
}
