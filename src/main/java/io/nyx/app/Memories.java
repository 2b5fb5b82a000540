package io.nyx.app;

import io.nyx.api.Readiness;
import io.nyx.config.MemorySettings;
import io.nyx.context.MemoryBank;
import io.nyx.context.MemorySnapshot;
import io.nyx.context.RecallWeights;
import io.nyx.fs.PrivateFiles;
import io.nyx.memory.BruteForceIndex;
import io.nyx.memory.Embedder;
import io.nyx.memory.HnswIndex;
import io.nyx.memory.VectorIndex;
import io.nyx.persistence.jdbc.JdbcEmbeddingModel;
import io.nyx.persistence.jdbc.JdbcMemoryStore;
import io.nyx.persistence.jdbc.MemoryNotifications;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Mnemosyne's running parts: the vector index (restored from its snapshot under {@code
 * dataDir/memory-index}), the memory bank over it, and the listener that keeps it current with
 * other replicas. The index catches up on its own thread ({@link IndexRestore}); start waits up to
 * {@link #START_WAIT} for it. {@link #close} stops listening and saves the snapshot. When another
 * process holds the snapshot directory (two replicas on one data dir), this one indexes in a
 * temporary directory instead, rebuilt from the database.
 */
final class Memories implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Memories.class.getName());

  /**
   * How long start-up waits for the index to catch up before serving anyway: covers a warm start (a
   * million memories with ten thousand new: seconds), not a cold build (minutes).
   */
  static final Duration START_WAIT = Duration.ofSeconds(10);

  /** How long closing waits for a running restore to stop (its last batches finish). */
  static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private final MemoryBank bank;
  private final VectorIndex index;
  private final @Nullable MemorySnapshot snapshot;
  private final @Nullable IndexRestore restore;
  private final MemoryNotifications notifications;

  private Memories(
      MemoryBank bank,
      VectorIndex index,
      @Nullable MemorySnapshot snapshot,
      @Nullable IndexRestore restore,
      MemoryNotifications notifications) {
    this.bank = bank;
    this.index = index;
    this.snapshot = snapshot;
    this.restore = restore;
    this.notifications = notifications;
  }

  static Memories start(
      MemorySettings settings,
      Path dataDir,
      DataSource dataSource,
      Embedder embedder,
      InstantSource clock) {
    JdbcEmbeddingModel.requireSame(dataSource, embedder.modelId(), embedder.dimension());
    JdbcMemoryStore store = new JdbcMemoryStore(dataSource);
    RecallWeights weights =
        new RecallWeights(
            settings.recencyWeight(),
            Duration.ofMillis((long) (settings.halfLifeDays() * 86_400_000L)),
            settings.importanceWeight());
    if (!settings.index().equals("hnsw")) {
      VectorIndex exact = new BruteForceIndex(embedder.dimension());
      MemoryBank bank = new MemoryBank(store, embedder, exact, weights, clock, 0);
      bank.catchUp();
      MemoryNotifications n = MemoryNotifications.start(dataSource, bank::changed, bank::catchUp);
      return new Memories(bank, exact, null, null, n);
    }
    int efSearch =
        settings.efSearch() == MemorySettings.AUTO_EF_SEARCH
            ? HnswIndex.BEAM_FOLLOWS_SIZE
            : settings.efSearch();
    HnswIndex hnsw = openHnsw(dataDir.resolve("memory-index"), embedder, efSearch);
    MemorySnapshot snapshot =
        new MemorySnapshot(
            hnsw,
            embedder.modelId(),
            embedder.dimension(),
            Runtime.getRuntime().availableProcessors());
    MemoryBank bank = new MemoryBank(store, embedder, hnsw, weights, clock, 0);
    IndexRestore restore = new IndexRestore(snapshot, store, bank);
    MemoryNotifications n =
        MemoryNotifications.start(dataSource, bank::changed, restore::listening);
    restore.start();
    if (!restore.awaitDone(START_WAIT)) {
      LOG.info(() -> restore.check().detail() + "; serving meanwhile");
    }
    return new Memories(bank, hnsw, snapshot, restore, n);
  }

  private static HnswIndex openHnsw(Path dir, Embedder embedder, int efSearch) {
    try {
      PrivateFiles.directory(dir); // Lucene's files inside get the umask's mode: 700 guards them
      return HnswIndex.open(dir, embedder.dimension(), efSearch);
    } catch (IOException | UncheckedIOException e) {
      LOG.log(Level.INFO, "vector snapshot in " + dir + " unavailable; indexing in a temp dir", e);
      try {
        return HnswIndex.open(
            Files.createTempDirectory("nyx-memory-index"), embedder.dimension(), efSearch);
      } catch (IOException io) {
        throw new UncheckedIOException("cannot create a vector index directory", io);
      }
    }
  }

  MemoryBank bank() {
    return bank;
  }

  /** For {@code /ready}: whether the index has caught up with the database. */
  Readiness.Check check() {
    return restore == null
        ? new Readiness.Check(true, "exact memory index loaded from the database")
        : restore.check();
  }

  /**
   * Stops listening and any running restore, then saves the snapshot; an unfinished restore saves
   * nothing, so the next start resumes from the previous snapshot.
   */
  @Override
  public void close() {
    if (restore != null) {
      restore.stop(STOP_WAIT);
    }
    notifications.close();
    if (snapshot != null && restore != null && restore.isDone()) {
      snapshot.save(bank.maxIndexedId());
    }
    index.close();
  }
}
