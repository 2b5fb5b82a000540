package io.nyx.app;

import io.nyx.config.MemorySettings;
import io.nyx.context.MemoryBank;
import io.nyx.context.MemorySnapshot;
import io.nyx.context.RecallWeights;
import io.nyx.memory.BruteForceIndex;
import io.nyx.memory.Embedder;
import io.nyx.memory.HnswIndex;
import io.nyx.memory.VectorIndex;
import io.nyx.persistence.JdbcMemoryStore;
import io.nyx.persistence.MemoryNotifications;
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
 * other replicas. {@link #close} stops listening and saves the snapshot. When another process holds
 * the snapshot directory (two replicas on one data dir), this one indexes in a temporary directory
 * instead, rebuilt from the database.
 */
final class Memories implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Memories.class.getName());

  private final MemoryBank bank;
  private final VectorIndex index;
  private final @Nullable MemorySnapshot snapshot;
  private final MemoryNotifications notifications;

  private Memories(
      MemoryBank bank,
      VectorIndex index,
      @Nullable MemorySnapshot snapshot,
      MemoryNotifications notifications) {
    this.bank = bank;
    this.index = index;
    this.snapshot = snapshot;
    this.notifications = notifications;
  }

  static Memories start(
      MemorySettings settings,
      Path dataDir,
      DataSource dataSource,
      Embedder embedder,
      InstantSource clock) {
    JdbcMemoryStore store = new JdbcMemoryStore(dataSource);
    VectorIndex index;
    MemorySnapshot snapshot = null;
    long maxId;
    if (settings.index().equals("hnsw")) {
      HnswIndex hnsw = openHnsw(dataDir.resolve("memory-index"), embedder, settings.efSearch());
      index = hnsw;
      snapshot =
          new MemorySnapshot(
              hnsw,
              embedder.modelId(),
              embedder.dimension(),
              Runtime.getRuntime().availableProcessors());
      maxId = snapshot.restore(store);
    } else {
      index = new BruteForceIndex(embedder.dimension());
      maxId = 0;
    }
    RecallWeights weights =
        new RecallWeights(
            settings.recencyWeight(),
            Duration.ofMillis((long) (settings.halfLifeDays() * 86_400_000L)),
            settings.importanceWeight());
    MemoryBank bank = new MemoryBank(store, embedder, index, weights, clock, maxId);
    if (snapshot == null) {
      bank.catchUp();
    }
    MemoryNotifications n = MemoryNotifications.start(dataSource, bank::changed, bank::catchUp);
    return new Memories(bank, index, snapshot, n);
  }

  private static HnswIndex openHnsw(Path dir, Embedder embedder, int efSearch) {
    try {
      Files.createDirectories(dir);
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

  @Override
  public void close() {
    notifications.close();
    if (snapshot != null) {
      snapshot.save(bank.maxIndexedId());
    }
    index.close();
  }
}
