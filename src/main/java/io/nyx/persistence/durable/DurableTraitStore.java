package io.nyx.persistence.durable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.learning.Calibration;
import io.nyx.learning.ClusterStore;
import io.nyx.learning.EvidenceSum;
import io.nyx.learning.LearningSettings;
import io.nyx.learning.SegmentStore;
import io.nyx.learning.TraitChange;
import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitPosterior;
import io.nyx.learning.TraitWeight;
import io.nyx.learning.TraitWeightStore;
import io.nyx.persistence.jdbc.JdbcTraitStore;
import io.nyx.persistence.jdbc.Sql;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Trait learning that survives a database outage: evidence the database cannot take goes to a local
 * spool (fsync'd) instead of waiting in memory, where a crash would lose it, and is applied in
 * order when the database is back, or at the next start. Evidence adds up, so each spooled write
 * carries an id recorded in {@code nyx_replayed_writes} in the same transaction: a replay cut short
 * after a commit never applies it twice. While the database is away, {@link #observe} answers with
 * the last weight it knows. Everything else goes straight to the database. Thread-safe.
 */
public final class DurableTraitStore
    implements TraitWeightStore, ClusterStore, SegmentStore, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DurableTraitStore.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLAIM =
      "INSERT INTO nyx_replayed_writes (id) VALUES (?) ON CONFLICT (id) DO NOTHING";

  private final JdbcTraitStore store;
  private final DataSource dataSource;
  private final Supplier<UUID> ids;
  private final ReplaySpool spool;
  private final Map<String, TraitWeight> lastKnown = new ConcurrentHashMap<>();

  public DurableTraitStore(
      JdbcTraitStore store,
      DataSource dataSource,
      Path spoolDir,
      Supplier<UUID> ids,
      Duration retryInterval,
      InstantSource clock) {
    this.store = store;
    this.dataSource = dataSource;
    this.ids = ids;
    this.spool =
        new ReplaySpool(
            spoolDir.resolve("traits.spool"),
            "trait evidence",
            () -> true,
            ReplaySpool.Writer.each(this::replay, ReplaySpool.Writer.jsonId("id")),
            retryInterval,
            clock);
  }

  /** Evidence on local disk waiting for the database. */
  public int pending() {
    return spool.pending();
  }

  /** The spool's state: evidence waiting, evidence dead-lettered. */
  public SpoolState spoolState() {
    return spool.state();
  }

  @Override
  public TraitWeight observe(
      String name, TraitEvidence evidence, Instant at, String source, String reason) {
    Supplier<byte[]> frame =
        () -> {
          ObjectNode o = frame("trait", name, evidence, at);
          o.put("source", source);
          o.put("reason", reason);
          return bytes(o);
        };
    return spool
        .write(() -> remember(store.observe(name, evidence, at, source, reason)), frame)
        .orElseGet(() -> known(name)); // spooled: the last weight known
  }

  @Override
  public TraitPosterior observeCluster(String name, int cluster, TraitEvidence e, Instant at) {
    Supplier<byte[]> frame =
        () -> {
          ObjectNode o = frame("cluster", name, e, at);
          o.put("cluster", cluster);
          return bytes(o);
        };
    return spool
        .write(() -> store.observeCluster(name, cluster, e, at), frame)
        .orElseGet(() -> placeholder(known(name))); // spooled: the learner ignores the result
  }

  @Override
  public TraitPosterior observeBase(int cluster, TraitEvidence e, Instant at) {
    Supplier<byte[]> frame =
        () -> {
          ObjectNode o = frame("base", BASE, e, at);
          o.put("cluster", cluster);
          return bytes(o);
        };
    return spool
        .write(() -> store.observeBase(cluster, e, at), frame)
        .orElseGet(() -> TraitPosterior.initial(BASE, 0.5, 0, 1)); // the learner ignores it
  }

  @Override
  public Map<Integer, TraitPosterior> baseClusters() {
    return store.baseClusters();
  }

  @Override
  public long watermark(UUID journal) {
    return store.watermark(journal);
  }

  /**
   * Straight to the database, never spooled: the segment is already on local disk in the learner's
   * journal, which retries it until the database takes it.
   */
  @Override
  public List<TraitWeight> applySegment(
      UUID journal, long seq, List<EvidenceSum> sums, Instant at) {
    List<TraitWeight> applied = store.applySegment(journal, seq, sums, at);
    applied.forEach(this::remember);
    return applied;
  }

  private static TraitPosterior placeholder(TraitWeight w) {
    return TraitPosterior.initial(w.name(), w.weight(), w.min(), w.max()).newCluster();
  }

  /** Only traits seen through this store are spooled; others are unknown, as the database says. */
  private TraitWeight known(String name) {
    TraitWeight w = lastKnown.get(name);
    if (w == null) {
      throw new java.util.NoSuchElementException("unknown trait " + name);
    }
    return w;
  }

  private TraitWeight remember(TraitWeight w) {
    lastKnown.put(w.name(), w);
    return w;
  }

  private ObjectNode frame(String kind, String name, TraitEvidence e, Instant at) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", ids.get().toString());
    o.put("kind", kind);
    o.put("name", name);
    o.put("successes", e.successes());
    o.put("trials", e.trials());
    o.put("at", at.toString());
    return o;
  }

  private static byte[] bytes(ObjectNode o) {
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException("evidence is always serialisable", e);
    }
  }

  /** One transaction per frame: claim its id, then apply it, or skip it if claimed before. */
  private void replay(byte[] bytes) throws IOException {
    JsonNode o = JSON.readTree(bytes);
    UUID id = UUID.fromString(o.get("id").asText());
    String name = o.get("name").asText();
    TraitEvidence e = new TraitEvidence(o.get("successes").asDouble(), o.get("trials").asDouble());
    Instant at = Instant.parse(o.get("at").asText());
    Sql.inTransaction(
        dataSource,
        "replay of spooled evidence for " + name,
        c -> {
          if (claim(c, id)) {
            apply(c, o, name, e, at);
          }
          return null;
        });
  }

  private static boolean claim(Connection c, UUID id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CLAIM)) {
      s.setObject(1, id);
      return s.executeUpdate() == 1;
    }
  }

  private void apply(Connection c, JsonNode o, String name, TraitEvidence e, Instant at)
      throws SQLException {
    switch (o.get("kind").asText()) {
      case "cluster" -> {
        JdbcTraitStore.observeClusterIn(c, name, o.get("cluster").asInt(), e, at);
        return;
      }
      case "base" -> {
        JdbcTraitStore.observeBaseIn(c, o.get("cluster").asInt(), e, at);
        return;
      }
      default -> {} // "trait", below
    }
    try {
      remember(
          JdbcTraitStore.observeIn(
              c, name, e, at, o.get("source").asText(), o.get("reason").asText()));
    } catch (java.util.NoSuchElementException gone) {
      LOG.warning("dropping spooled evidence for unknown trait " + name);
    }
  }

  @Override
  public void close() {
    spool.close();
  }

  @Override
  public void ensure(String name, double initialWeight, double min, double max) {
    store.ensure(name, initialWeight, min, max);
  }

  @Override
  public void configure(LearningSettings settings) {
    store.configure(settings);
  }

  @Override
  public LearningSettings settings() {
    return store.settings();
  }

  @Override
  public Map<String, TraitWeight> all() {
    Map<String, TraitWeight> all = store.all();
    all.values().forEach(this::remember);
    return all;
  }

  @Override
  public Optional<TraitWeight> find(String name) {
    return store.find(name);
  }

  @Override
  public Map<String, TraitPosterior> posteriors() {
    return store.posteriors();
  }

  @Override
  public Map<String, Map<Integer, TraitPosterior>> clusterPosteriors() {
    return store.clusterPosteriors();
  }

  @Override
  public TraitWeight update(String name, double delta, String source, String reason) {
    return remember(store.update(name, delta, source, reason));
  }

  @Override
  public TraitWeight set(String name, double weight, String source, String reason) {
    return remember(store.set(name, weight, source, reason));
  }

  @Override
  public List<TraitChange> history(String name, int limit) {
    return store.history(name, limit);
  }

  @Override
  public List<Calibration.Outcome> outcomes(String name, int limit) {
    return store.outcomes(name, limit);
  }
}
