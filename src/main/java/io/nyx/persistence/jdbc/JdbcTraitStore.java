package io.nyx.persistence.jdbc;

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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The trait stores over {@code nyx_trait_weights}; changes go through the SQL functions {@code
 * update_trait_posterior} (learning), {@code update_trait_weight} and {@code set_trait_weight}
 * (operator steering), which lock the row, apply {@link TraitPosterior}'s rules and write the
 * history in one transaction. Per-cluster posteriors go through {@code
 * update_trait_cluster_posterior} and {@code update_base_cluster_posterior}. A journal segment
 * applies trait, cluster and base evidence through the same functions in the one transaction that
 * moves its watermark, so the three stores share their SQL and are one class (statements and
 * methods in that order: weights, clusters, segments). Thread-safe.
 */
public final class JdbcTraitStore implements TraitWeightStore, ClusterStore, SegmentStore {
  private static final Logger LOG = Logger.getLogger(JdbcTraitStore.class.getName());
  private static final String ENSURE =
      """
      INSERT INTO nyx_trait_weights (name, weight, min_weight, max_weight, prior_weight)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING
      """;
  private static final String CONFIGURE =
      """
      UPDATE nyx_trait_settings
         SET prior_strength = ?, half_life_s = ?, max_step = ?, hysteresis = ?, pin_s = ?
      """;
  private static final String SETTINGS =
      "SELECT prior_strength, half_life_s, max_step, hysteresis, pin_s FROM nyx_trait_settings";
  private static final String COLUMNS =
      "SELECT name, weight, min_weight, max_weight, updated_at, coalesce(prior_weight, weight)"
          + " AS prior, successes, failures, decayed_at, pinned_until, trials, success_total";
  private static final String ALL = COLUMNS + " FROM nyx_trait_weights ORDER BY name";
  private static final String FIND = COLUMNS + " FROM nyx_trait_weights WHERE name = ?";
  private static final String OBSERVE = "SELECT update_trait_posterior(?, ?, ?, ?, ?, ?)";
  private static final String UPDATE = "SELECT update_trait_weight(?, ?, ?, ?, ?)";
  private static final String SET = "SELECT set_trait_weight(?, ?, ?, ?, ?)";
  private static final String HISTORY =
      """
      SELECT name, old_weight, new_weight, delta, source, reason, created_at
        FROM nyx_trait_weight_history WHERE name = ? ORDER BY id DESC LIMIT ?
      """;
  // The log is partitioned by time and feedback cannot reference it (V1); join on the id.
  private static final String OUTCOMES =
      """
      SELECT q.confidence, f.rating
        FROM nyx_feedback f JOIN nyx_synthetic_specialist_queries q ON q.id = f.query_id
       WHERE q.specialist = ? AND q.status = 'ok'
       ORDER BY f.created_at DESC LIMIT ?
      """;
  private static final String OBSERVE_CLUSTER =
      "SELECT update_trait_cluster_posterior(?, ?, ?, ?, ?)";
  private static final String CLUSTER_COLUMNS =
      """
      SELECT c.name, c.cluster, c.weight, t.min_weight, t.max_weight, c.prior_weight AS prior,
             c.successes, c.failures, c.decayed_at, t.pinned_until, c.trials, c.success_total
        FROM nyx_trait_clusters c JOIN nyx_trait_weights t ON t.name = c.name
      """;
  private static final String CLUSTERS = CLUSTER_COLUMNS + " ORDER BY c.name, c.cluster";
  private static final String FIND_CLUSTER =
      CLUSTER_COLUMNS + " WHERE c.name = ? AND c.cluster = ?";
  private static final String OBSERVE_BASE = "SELECT update_base_cluster_posterior(?, ?, ?, ?)";
  private static final String BASE_CLUSTERS =
      """
      SELECT cluster, weight, prior_weight AS prior, successes, failures, decayed_at, trials,
             success_total
        FROM nyx_base_clusters
      """;
  private static final String ALL_BASE = BASE_CLUSTERS + " ORDER BY cluster";
  private static final String FIND_BASE = BASE_CLUSTERS + " WHERE cluster = ?";
  private static final String NAMES = "SELECT name FROM nyx_trait_weights";
  private static final String WATERMARK =
      "SELECT applied_seq FROM nyx_learner_journals WHERE journal_id = ?";
  private static final String ADVANCE =
      """
      INSERT INTO nyx_learner_journals AS j (journal_id, applied_seq) VALUES (?, ?)
      ON CONFLICT (journal_id) DO UPDATE SET applied_seq = EXCLUDED.applied_seq, updated_at = now()
       WHERE j.applied_seq < EXCLUDED.applied_seq
      RETURNING j.applied_seq
      """;

  private final DataSource dataSource;
  private final InstantSource clock;

  public JdbcTraitStore(DataSource dataSource) {
    this(dataSource, InstantSource.system());
  }

  /**
   * @param clock the time of operator changes (pins start then)
   */
  public JdbcTraitStore(DataSource dataSource, InstantSource clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  @Override
  public void ensure(String name, double initialWeight, double min, double max) {
    requireBounds(name, initialWeight, min, max);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(ENSURE)) {
      s.setString(1, name);
      s.setDouble(2, initialWeight);
      s.setDouble(3, min);
      s.setDouble(4, max);
      s.setDouble(5, initialWeight);
      s.executeUpdate();
    } catch (SQLException e) {
      throw Sql.error("creation of trait " + name, e);
    }
  }

  private static void requireBounds(String name, double initial, double min, double max) {
    if (!(Double.isFinite(min) && Double.isFinite(max) && min <= max)) {
      throw new IllegalArgumentException(
          "trait "
              + name
              + ": bounds must be finite with min <= max but were ["
              + min
              + ", "
              + max
              + "]");
    }
    if (!(initial >= min && initial <= max)) {
      throw new IllegalArgumentException(
          "trait "
              + name
              + ": initial weight must be in ["
              + min
              + ", "
              + max
              + "] but was "
              + initial);
    }
  }

  @Override
  public void configure(LearningSettings s) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement st = c.prepareStatement(CONFIGURE)) {
      st.setDouble(1, s.priorStrength());
      st.setDouble(2, s.halfLifeSeconds());
      st.setDouble(3, s.maxStep());
      st.setDouble(4, s.hysteresis());
      st.setDouble(5, s.pin().toNanos() / 1e9);
      st.executeUpdate();
    } catch (SQLException e) {
      throw Sql.error("configuration of trait learning", e);
    }
  }

  @Override
  public LearningSettings settings() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(SETTINGS);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return new LearningSettings(
          rs.getDouble(1),
          seconds(rs.getDouble(2)),
          rs.getDouble(3),
          rs.getDouble(4),
          seconds(rs.getDouble(5)));
    } catch (SQLException e) {
      throw Sql.error("reading of trait learning settings", e);
    }
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  @Override
  public Map<String, TraitWeight> all() {
    Map<String, TraitWeight> traits = new LinkedHashMap<>();
    posteriorsWithTime().forEach((n, p) -> traits.put(n, p.weight()));
    return traits;
  }

  @Override
  public Map<String, TraitPosterior> posteriors() {
    Map<String, TraitPosterior> traits = new LinkedHashMap<>();
    posteriorsWithTime().forEach((n, p) -> traits.put(n, p.posterior()));
    return traits;
  }

  private record Row(TraitWeight weight, TraitPosterior posterior) {}

  private Map<String, Row> posteriorsWithTime() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(ALL);
        ResultSet rs = s.executeQuery()) {
      Map<String, Row> traits = new LinkedHashMap<>();
      while (rs.next()) {
        traits.put(rs.getString("name"), new Row(read(rs), readPosterior(rs)));
      }
      return traits;
    } catch (SQLException e) {
      throw Sql.error("listing of traits", e);
    }
  }

  @Override
  public Optional<TraitWeight> find(String name) {
    try (Connection c = dataSource.getConnection()) {
      return findIn(c, name);
    } catch (SQLException e) {
      throw Sql.error("lookup of trait " + name, e);
    }
  }

  @Override
  public TraitWeight observe(
      String name, TraitEvidence evidence, Instant at, String source, String reason) {
    return Sql.inTransaction(
        dataSource,
        "learning of trait " + name,
        c -> observeIn(c, name, evidence, at, source, reason));
  }

  /** Learning inside the caller's transaction (feedback commits with its own rows). */
  public static TraitWeight observeIn(
      Connection c, String name, TraitEvidence e, Instant at, String source, String reason)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(OBSERVE)) {
      s.setString(1, name);
      s.setDouble(2, e.successes());
      s.setDouble(3, e.trials());
      s.setString(4, source);
      s.setString(5, reason);
      s.setObject(6, Sql.timestamp(at));
      s.execute();
    }
    return findIn(c, name).orElseThrow(() -> new NoSuchElementException("unknown trait " + name));
  }

  @Override
  public TraitWeight update(String name, double delta, String source, String reason) {
    requireFinite("delta", delta);
    return change(UPDATE, "update of trait " + name, name, delta, source, reason);
  }

  @Override
  public TraitWeight set(String name, double weight, String source, String reason) {
    requireFinite("weight", weight);
    return change(SET, "setting of trait " + name, name, weight, source, reason);
  }

  private static void requireFinite(String what, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(what + " must be a finite number but was " + value);
    }
  }

  private TraitWeight change(
      String sql, String operation, String name, double value, String source, String reason) {
    Instant at = clock.instant();
    return Sql.inTransaction(
        dataSource, operation, c -> changeIn(c, sql, name, value, source, reason, at));
  }

  /**
   * Runs update ({@code UPDATE}) or set ({@code SET}) inside the caller's transaction and reads the
   * row back there: the row lock the function took is held until commit, so what is returned is
   * exactly this change.
   */
  private static TraitWeight changeIn(
      Connection c, String sql, String name, double value, String source, String reason, Instant at)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, name);
      s.setDouble(2, value);
      s.setString(3, source);
      s.setString(4, reason);
      s.setObject(5, Sql.timestamp(at));
      s.execute();
    }
    return findIn(c, name).orElseThrow(() -> new NoSuchElementException("unknown trait " + name));
  }

  static Optional<TraitWeight> findIn(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(FIND)) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  @Override
  public List<TraitChange> history(String name, int limit) {
    requireLimit(limit);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(HISTORY)) {
      s.setString(1, name);
      s.setInt(2, limit);
      try (ResultSet rs = s.executeQuery()) {
        List<TraitChange> changes = new ArrayList<>();
        while (rs.next()) {
          changes.add(readChange(rs));
        }
        return changes;
      }
    } catch (SQLException e) {
      throw Sql.error("history of trait " + name, e);
    }
  }

  @Override
  public List<Calibration.Outcome> outcomes(String name, int limit) {
    requireLimit(limit);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(OUTCOMES)) {
      s.setString(1, name);
      s.setInt(2, limit);
      try (ResultSet rs = s.executeQuery()) {
        List<Calibration.Outcome> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new Calibration.Outcome(rs.getDouble(1), rs.getDouble(2)));
        }
        return out;
      }
    } catch (SQLException e) {
      throw Sql.error("calibration outcomes of trait " + name, e);
    }
  }

  private static void requireLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
    }
  }

  @Override
  public TraitPosterior observeCluster(String name, int cluster, TraitEvidence e, Instant at) {
    return Sql.inTransaction(
        dataSource,
        "learning of trait " + name + " in cluster " + cluster,
        c -> observeClusterIn(c, name, cluster, e, at));
  }

  /** Cluster learning inside the caller's transaction. */
  public static TraitPosterior observeClusterIn(
      Connection c, String name, int cluster, TraitEvidence e, Instant at) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(OBSERVE_CLUSTER)) {
      s.setString(1, name);
      s.setInt(2, cluster);
      s.setDouble(3, e.successes());
      s.setDouble(4, e.trials());
      s.setObject(5, Sql.timestamp(at));
      s.execute();
    }
    try (PreparedStatement s = c.prepareStatement(FIND_CLUSTER)) {
      s.setString(1, name);
      s.setInt(2, cluster);
      try (ResultSet rs = s.executeQuery()) {
        rs.next(); // the function just wrote it, under the lock held until commit
        return readPosterior(rs);
      }
    }
  }

  @Override
  public Map<String, Map<Integer, TraitPosterior>> clusterPosteriors() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(CLUSTERS);
        ResultSet rs = s.executeQuery()) {
      Map<String, Map<Integer, TraitPosterior>> all = new LinkedHashMap<>();
      while (rs.next()) {
        all.computeIfAbsent(rs.getString("name"), n -> new LinkedHashMap<>())
            .put(rs.getInt("cluster"), readPosterior(rs));
      }
      return all;
    } catch (SQLException e) {
      throw Sql.error("listing of trait clusters", e);
    }
  }

  @Override
  public TraitPosterior observeBase(int cluster, TraitEvidence e, Instant at) {
    return Sql.inTransaction(
        dataSource,
        "learning of the base model in cluster " + cluster,
        c -> observeBaseIn(c, cluster, e, at));
  }

  /** Base-model learning inside the caller's transaction. */
  public static TraitPosterior observeBaseIn(Connection c, int cluster, TraitEvidence e, Instant at)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(OBSERVE_BASE)) {
      s.setInt(1, cluster);
      s.setDouble(2, e.successes());
      s.setDouble(3, e.trials());
      s.setObject(4, Sql.timestamp(at));
      s.execute();
    }
    try (PreparedStatement s = c.prepareStatement(FIND_BASE)) {
      s.setInt(1, cluster);
      try (ResultSet rs = s.executeQuery()) {
        rs.next(); // the function just wrote it, under the lock held until commit
        return readBase(rs);
      }
    }
  }

  @Override
  public Map<Integer, TraitPosterior> baseClusters() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(ALL_BASE);
        ResultSet rs = s.executeQuery()) {
      Map<Integer, TraitPosterior> all = new LinkedHashMap<>();
      while (rs.next()) {
        all.put(rs.getInt("cluster"), readBase(rs));
      }
      return all;
    } catch (SQLException e) {
      throw Sql.error("listing of base model clusters", e);
    }
  }

  private static TraitPosterior readBase(ResultSet rs) throws SQLException {
    return new TraitPosterior(
        BASE,
        rs.getDouble("weight"),
        0,
        1,
        rs.getDouble("prior"),
        rs.getDouble("successes"),
        rs.getDouble("failures"),
        Sql.instant(rs, "decayed_at"),
        Instant.EPOCH,
        rs.getDouble("trials"),
        rs.getDouble("success_total"));
  }

  @Override
  public List<TraitWeight> applySegment(
      UUID journal, long seq, List<EvidenceSum> sums, Instant at) {
    return Sql.inTransaction(
        dataSource,
        "learning from segment " + seq + " of journal " + journal,
        c -> advance(c, journal, seq) ? applyIn(c, sums, at) : List.of());
  }

  @Override
  public long watermark(UUID journal) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(WATERMARK)) {
      s.setObject(1, journal);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw Sql.error("reading the watermark of journal " + journal, e);
    }
  }

  /** Moves the journal's watermark to {@code seq}; false when it was there or beyond already. */
  private static boolean advance(Connection c, UUID journal, long seq) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(ADVANCE)) {
      s.setObject(1, journal);
      s.setLong(2, seq);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static List<TraitWeight> applyIn(Connection c, List<EvidenceSum> sums, Instant at)
      throws SQLException {
    java.util.Set<String> known = new java.util.HashSet<>();
    try (PreparedStatement s = c.prepareStatement(NAMES);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        known.add(rs.getString(1));
      }
    }
    List<TraitWeight> out = new ArrayList<>();
    List<EvidenceSum> ordered =
        sums.stream().sorted(java.util.Comparator.comparing(EvidenceSum::target)).toList();
    for (EvidenceSum s : ordered) {
      if (BASE.equals(s.trait())) {
        observeBaseIn(c, s.cluster(), s.evidence(), at);
      } else if (!known.contains(s.trait())) {
        LOG.warning("dropping journaled evidence for unknown trait " + s.trait());
      } else if (s.cluster() == EvidenceSum.TRAIT) {
        out.add(observeIn(c, s.trait(), s.evidence(), at, "reward", s.answers() + " answer(s)"));
      } else {
        observeClusterIn(c, s.trait(), s.cluster(), s.evidence(), at);
      }
    }
    return out;
  }

  static TraitWeight read(ResultSet rs) throws SQLException {
    return new TraitWeight(
        rs.getString("name"),
        rs.getDouble("weight"),
        rs.getDouble("min_weight"),
        rs.getDouble("max_weight"),
        Sql.instant(rs, "updated_at"));
  }

  private static TraitPosterior readPosterior(ResultSet rs) throws SQLException {
    return new TraitPosterior(
        rs.getString("name"),
        rs.getDouble("weight"),
        rs.getDouble("min_weight"),
        rs.getDouble("max_weight"),
        rs.getDouble("prior"),
        rs.getDouble("successes"),
        rs.getDouble("failures"),
        Sql.instant(rs, "decayed_at"),
        Sql.instant(rs, "pinned_until"),
        rs.getDouble("trials"),
        rs.getDouble("success_total"));
  }

  private static TraitChange readChange(ResultSet rs) throws SQLException {
    return new TraitChange(
        rs.getString("name"),
        rs.getDouble("old_weight"),
        rs.getDouble("new_weight"),
        rs.getDouble("delta"),
        rs.getString("source"),
        rs.getString("reason"),
        Sql.instant(rs, "created_at"));
  }
}
