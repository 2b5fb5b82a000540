package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.api.Readiness;
import io.nyx.context.MemoryBank;
import io.nyx.context.MemorySnapshot;
import io.nyx.context.RecallWeights;
import io.nyx.memory.Audience;
import io.nyx.memory.Embedder;
import io.nyx.memory.HnswIndex;
import io.nyx.memory.Owner;
import io.nyx.memory.VectorIndex;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcMemoryStore;
import io.nyx.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The background restore of the vector index: progress in /ready, and what a stop leaves. */
class IndexRestoreTest {
  private static final int DIM = 4;
  private static final int ROWS = 600; // a few BulkIndexer batches

  /** The restore reads stored vectors; nothing is embedded. */
  private static final Embedder UNUSED =
      new Embedder() {
        @Override
        public String modelId() {
          return "m";
        }

        @Override
        public int dimension() {
          return DIM;
        }

        @Override
        public float[] embed(String text) {
          throw new UnsupportedOperationException("a restore embeds nothing");
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
          throw new UnsupportedOperationException("a restore embeds nothing");
        }
      };

  private Database db;
  private JdbcMemoryStore store;
  private HnswIndex index;
  private Path dir;

  @BeforeEach
  void open() throws Exception {
    db = TestDatabase.fresh();
    store = new JdbcMemoryStore(db.dataSource());
    for (int i = 0; i < ROWS; i++) {
      store.add("memory " + i, unit(i), Map.of(), "test", Owner.of(i % 2 == 0 ? "even" : "odd"));
    }
    dir = Files.createTempDirectory("nyx-restore-test");
    index = HnswIndex.open(dir, DIM, 100);
  }

  @AfterEach
  void close() {
    index.close();
    db.close();
    TestDatabase.deleteRecursively(dir);
  }

  @Test
  void reportsCatchingUpUntilDoneThenUpToDate() {
    MemorySnapshot snapshot = new MemorySnapshot(index, "m", DIM, 2);
    MemoryBank bank = bank();
    IndexRestore restore = new IndexRestore(snapshot, store, bank);
    assertThat(restore.check().ok()).isFalse();
    assertThat(restore.check().detail()).contains("catching up", "0 rows indexed");

    restore.listening();
    restore.start();

    assertThat(restore.awaitDone(Duration.ofSeconds(30))).isTrue();
    assertThat(restore.check())
        .isEqualTo(new Readiness.Check(true, "memory index up to date with the database"));
    assertThat(bank.size()).isEqualTo(ROWS);
    assertThat(bank.maxIndexedId()).isEqualTo(store.idsUpTo(Long.MAX_VALUE)[ROWS - 1]);
    assertThat(index.commitData()).containsEntry("max_id", Long.toString(bank.maxIndexedId()));
  }

  @Test
  void aStoppedRestoreCommitsNothingSoThePreviousSnapshotStays() {
    MemorySnapshot snapshot = new MemorySnapshot(index, "m", DIM, 2);
    snapshot.stop();
    assertThatThrownBy(() -> snapshot.restore(store))
        .isInstanceOf(CancellationException.class)
        .hasMessageContaining("stopped at id");
    assertThat(index.commitData()).doesNotContainKey("max_id");

    IndexRestore restore = new IndexRestore(snapshot, store, bank());
    restore.listening();
    restore.start();
    restore.stop(Duration.ofSeconds(10));
    assertThat(restore.isDone()).isFalse();
  }

  @Test
  void deletionsWhileDownAreDroppedAndNewRowsAdded() {
    MemorySnapshot first = new MemorySnapshot(index, "m", DIM, 2);
    long max = first.restore(store);
    long[] ids = store.idsUpTo(max);
    store.delete(ids[0]);
    store.delete(ids[ROWS / 2]);
    long added =
        store.add("after the snapshot", unit(ROWS), Map.of(), "test", Owner.of("odd")).id();

    long restored = new MemorySnapshot(index, "m", DIM, 1).restore(store);

    assertThat(restored).isEqualTo(added);
    List<Long> held = new ArrayList<>();
    index.forEachId(held::add);
    assertThat(held).hasSize(ROWS - 2 + 1).contains(added).doesNotContain(ids[0], ids[ROWS / 2]);
  }

  /**
   * A snapshot from before owners were indexed cannot filter by tenant: it is discarded and
   * rebuilt, after which a tenant's search sees only its own rows.
   */
  @Test
  void aSnapshotWithoutOwnersIsRebuilt() {
    for (int i = 0; i < ROWS; i++) {
      index.add(i + 1, unit(i), Owner.of("even")); // as if every row were one tenant's
    }
    index.commit(Map.of("model", "m", "dimension", Integer.toString(DIM), "max_id", "999999"));
    new MemorySnapshot(index, "m", DIM, 1).restore(store);
    assertThat(index.commitData()).containsEntry("format", "2");
    List<VectorIndex.Hit> odd = index.search(unit(1), ROWS, Audience.Tenant.browse("odd"));
    assertThat(odd).hasSize(ROWS / 2);
    assertThat(store.findAll(odd.stream().map(VectorIndex.Hit::id).toList()))
        .allMatch(m -> m.owner().tenant().equals("odd"));
  }

  private MemoryBank bank() {
    return new MemoryBank(
        store,
        UNUSED,
        index,
        new RecallWeights(0, Duration.ofDays(30), 0),
        InstantSource.fixed(Instant.EPOCH),
        0);
  }

  /** Distinct unit vectors on a circle in the first two dimensions. */
  private static float[] unit(int i) {
    double a = i * 0.01;
    return new float[] {(float) Math.cos(a), (float) Math.sin(a), 0, 0};
  }
}
