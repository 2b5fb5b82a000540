package io.nyx.persistence.jdbc;

import io.nyx.adapter.AdapterException;
import io.nyx.adapter.AdapterState;
import io.nyx.adapter.AdapterStore;
import io.nyx.adapter.AdapterVersion;
import io.nyx.adapter.Transition;
import io.nyx.adapter.Usage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link AdapterStore} over {@code nyx_adapters} and {@code nyx_adapter_events} (V70), with the
 * per-version figures read from {@code nyx_synthetic_specialist_queries} through its index on
 * (specialist, adapter_version, created_at). A change of state locks the rows it moves ({@code
 * SELECT ... FOR UPDATE}) and updates only a row still in the expected state, so concurrent
 * replicas serialise and the loser gets a {@link AdapterException.Conflict}; the partial unique
 * indexes (one active, one canary per specialist) hold whatever the code does. Thread-safe.
 */
public final class JdbcAdapterStore implements AdapterStore {
  /** unique_violation: a version, a served name, or a second active/canary. */
  private static final String UNIQUE = "23505";

  /** Rows that say something about an adapter: its answers and the calls it failed. */
  static final String JUDGED = "status IN ('ok', 'backend_error')";

  private static final String COLUMNS =
      "specialist, version, vllm_name, path, base_model, lora_rank, created_at, state,"
          + " state_since, share, reason, actor, figures::text AS figures, loaded";

  private static final String ALL =
      "SELECT " + COLUMNS + " FROM nyx_adapters ORDER BY specialist, version";

  private static final String HISTORY =
      """
      SELECT specialist, version, from_state, to_state, reason, actor, figures::text AS figures, at
        FROM nyx_adapter_events WHERE specialist = ? ORDER BY id
      """;

  private static final String SEED =
      """
      WITH ins AS (
        INSERT INTO nyx_adapters (specialist, version, vllm_name, path, state, created_at,
                                  updated_at, state_since, reason, actor, loaded)
        SELECT ?, 1, ?, ?, 'active', ?, ?, ?, ?, 'nyx', false
         WHERE NOT EXISTS (SELECT 1 FROM nyx_adapters WHERE specialist = ?)
        ON CONFLICT DO NOTHING
        RETURNING specialist, version, reason, actor, created_at)
      INSERT INTO nyx_adapter_events (specialist, version, from_state, to_state, reason, actor, at)
      SELECT specialist, version, NULL, 'active', reason, actor, created_at FROM ins
      """;

  private static final String REGISTER =
      """
      WITH ins AS (
        INSERT INTO nyx_adapters (specialist, version, vllm_name, path, base_model, lora_rank,
                                  state, created_at, updated_at, state_since, reason, actor)
        VALUES (?, ?, ?, ?, ?, ?, 'candidate', ?, ?, ?, ?, ?)
        RETURNING specialist, version, reason, actor, created_at)
      INSERT INTO nyx_adapter_events (specialist, version, from_state, to_state, reason, actor, at)
      SELECT specialist, version, NULL, 'candidate', reason, actor, created_at FROM ins
      """;

  private static final String LOCK =
      "SELECT specialist, version, state FROM nyx_adapters WHERE vllm_name = ? FOR UPDATE";

  // A canary whose share changes keeps its state_since: its test counts from its start.
  private static final String MOVE =
      """
      UPDATE nyx_adapters
         SET state = ?, share = ?, reason = ?, actor = ?, figures = CAST(? AS jsonb),
             state_since = CASE WHEN state = ? THEN state_since ELSE ? END, updated_at = ?
       WHERE vllm_name = ? AND state = ?
      """;

  private static final String EVENT =
      """
      INSERT INTO nyx_adapter_events (specialist, version, from_state, to_state, reason, actor,
                                      figures, at)
      VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?)
      """;

  private static final String LOADED =
      "UPDATE nyx_adapters SET loaded = ? WHERE vllm_name = ? AND loaded <> ?";

  private final DataSource dataSource;

  public JdbcAdapterStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public List<AdapterVersion> all() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(ALL);
        ResultSet rs = s.executeQuery()) {
      List<AdapterVersion> out = new ArrayList<>();
      while (rs.next()) {
        out.add(version(rs));
      }
      return out;
    } catch (SQLException e) {
      throw Sql.error("read of the adapter registry", e);
    }
  }

  @Override
  public List<Transition> history(String specialist) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(HISTORY)) {
      s.setString(1, specialist);
      try (ResultSet rs = s.executeQuery()) {
        List<Transition> out = new ArrayList<>();
        while (rs.next()) {
          String from = rs.getString("from_state");
          out.add(
              new Transition(
                  rs.getString("specialist"),
                  rs.getInt("version"),
                  from == null ? null : state(from),
                  state(rs.getString("to_state")),
                  rs.getString("reason"),
                  rs.getString("actor"),
                  JsonColumns.readMap(rs.getString("figures")),
                  Sql.instant(rs, "at")));
        }
        return out;
      }
    } catch (SQLException e) {
      throw Sql.error("read of " + specialist + "'s adapter history", e);
    }
  }

  @Override
  public List<AdapterVersion> seed(List<Seed> seeds, Instant at) {
    Set<String> registered = new LinkedHashSet<>();
    Sql.inTransaction(
        dataSource,
        "registration of the configured adapters",
        c -> {
          try (PreparedStatement s = c.prepareStatement(SEED)) {
            for (Seed seed : seeds) {
              int i = 1;
              s.setString(i++, seed.specialist());
              s.setString(i++, seed.name());
              s.setString(i++, seed.path());
              for (int k = 0; k < 3; k++) {
                s.setObject(i++, Sql.timestamp(at));
              }
              s.setString(i++, "registered from the configuration at first start");
              s.setString(i, seed.specialist());
              if (s.executeUpdate() > 0) {
                registered.add(seed.specialist());
              }
            }
          }
          return null;
        });
    return all().stream().filter(v -> registered.contains(v.specialist())).toList();
  }

  @Override
  public AdapterVersion register(NewVersion v, String actor, String reason, Instant at) {
    try {
      Sql.inTransaction(
          dataSource,
          "registration of " + v.name(),
          c -> {
            try (PreparedStatement s = c.prepareStatement(REGISTER)) {
              int i = 1;
              s.setString(i++, v.specialist());
              s.setInt(i++, v.version());
              s.setString(i++, v.name());
              s.setString(i++, Sql.text(v.path()));
              s.setString(i++, Sql.text(v.baseModel()));
              s.setInt(i++, v.rank());
              for (int k = 0; k < 3; k++) {
                s.setObject(i++, Sql.timestamp(at));
              }
              s.setString(i++, Sql.text(reason));
              s.setString(i, Sql.text(actor));
              s.executeUpdate();
            }
            return null;
          });
    } catch (io.nyx.persistence.StoreException e) {
      if (e.getCause() instanceof SQLException sql && UNIQUE.equals(sql.getSQLState())) {
        throw new AdapterException.Conflict(
            v.name() + " is registered already; versions are never reused");
      }
      throw e;
    }
    return find(v.name());
  }

  @Override
  public List<AdapterVersion> apply(
      List<Move> moves, String actor, Map<String, Object> figures, Instant at) {
    String json = JsonColumns.write(figures);
    try {
      Sql.inTransaction(
          dataSource,
          "change of adapter state",
          c -> {
            for (Move m : moves) {
              move(c, m, actor, json, at);
            }
            return null;
          });
    } catch (io.nyx.persistence.StoreException e) {
      if (e.getCause() instanceof SQLException sql && UNIQUE.equals(sql.getSQLState())) {
        throw new AdapterException.Conflict(
            "another version took the same role meanwhile: " + sql.getMessage());
      }
      throw e;
    }
    Set<String> names = new LinkedHashSet<>();
    moves.forEach(m -> names.add(m.name()));
    return all().stream().filter(v -> names.contains(v.name())).toList();
  }

  private static void move(Connection c, Move m, String actor, String figures, Instant at)
      throws SQLException {
    String specialist;
    int version;
    try (PreparedStatement lock = c.prepareStatement(LOCK)) {
      lock.setString(1, m.name());
      try (ResultSet rs = lock.executeQuery()) {
        if (!rs.next()) {
          throw new AdapterException.Unknown(
              "name", "no adapter version is served as '" + m.name() + "'");
        }
        specialist = rs.getString("specialist");
        version = rs.getInt("version");
        String now = rs.getString("state");
        if (!now.equals(m.from().label())) {
          throw new AdapterException.Conflict(
              m.name()
                  + " is "
                  + now
                  + " now, not "
                  + m.from().label()
                  + " as when this was decided; it changed meanwhile");
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement(MOVE)) {
      int i = 1;
      s.setString(i++, m.to().label());
      s.setDouble(i++, m.share());
      s.setString(i++, Sql.text(m.reason()));
      s.setString(i++, Sql.text(actor));
      s.setString(i++, figures);
      s.setString(i++, m.to().label());
      s.setObject(i++, Sql.timestamp(at));
      s.setObject(i++, Sql.timestamp(at));
      s.setString(i++, m.name());
      s.setString(i, m.from().label());
      s.executeUpdate();
    }
    try (PreparedStatement e = c.prepareStatement(EVENT)) {
      int i = 1;
      e.setString(i++, specialist);
      e.setInt(i++, version);
      e.setString(i++, m.from().label());
      e.setString(i++, m.to().label());
      e.setString(i++, Sql.text(m.reason()));
      e.setString(i++, Sql.text(actor));
      e.setString(i++, figures);
      e.setObject(i, Sql.timestamp(at));
      e.executeUpdate();
    }
  }

  @Override
  public void loaded(String name, boolean loaded) {
    Sql.update(
        dataSource,
        LOADED,
        "note that " + name + (loaded ? " is" : " is not") + " loaded",
        s -> {
          s.setBoolean(1, loaded);
          s.setString(2, name);
          s.setBoolean(3, loaded);
        });
  }

  // One statement per side: "= ?" uses the (specialist, adapter_version, created_at) index, which
  // "IS NOT DISTINCT FROM ?" would not.
  private static final String VERSION_REWARDS =
      """
      SELECT reward FROM nyx_synthetic_specialist_queries
       WHERE specialist = ? AND adapter_version = ? AND created_at >= ? AND %s
       ORDER BY created_at, id LIMIT ?
      """
          .formatted(JUDGED);

  private static final String BASE_REWARDS =
      """
      SELECT reward FROM nyx_synthetic_specialist_queries
       WHERE specialist = ? AND adapter_version IS NULL AND created_at >= ? AND %s
       ORDER BY created_at, id LIMIT ?
      """
          .formatted(JUDGED);

  @Override
  public double[] rewards(String specialist, @Nullable Integer version, Instant since, int limit) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            version == null
                ? c.prepareStatement(BASE_REWARDS)
                : c.prepareStatement(VERSION_REWARDS)) {
      int i = 1;
      s.setString(i++, specialist);
      if (version != null) {
        s.setInt(i++, version);
      }
      s.setObject(i++, Sql.timestamp(since));
      s.setInt(i, limit);
      try (ResultSet rs = s.executeQuery()) {
        double[] out = new double[16];
        int n = 0;
        while (rs.next()) {
          if (n == out.length) {
            out = java.util.Arrays.copyOf(out, n * 2);
          }
          out[n++] = rs.getDouble(1);
        }
        return java.util.Arrays.copyOf(out, n);
      }
    } catch (SQLException e) {
      throw Sql.error("read of " + specialist + " v" + version + "'s rewards", e);
    }
  }

  private static final String USAGE =
      """
      SELECT count(*), coalesce(avg(reward), 0),
             coalesce(avg(CASE WHEN status = 'backend_error' THEN 1 ELSE 0 END), 0)
        FROM (SELECT reward, status FROM nyx_synthetic_specialist_queries
               WHERE specialist = ? AND adapter_version = ? AND created_at >= ? AND %s
               ORDER BY created_at DESC, id DESC LIMIT ?) recent
      """
          .formatted(JUDGED);

  @Override
  public Usage usage(String specialist, int version, Instant since, int limit) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(USAGE)) {
      s.setString(1, specialist);
      s.setInt(2, version);
      s.setObject(3, Sql.timestamp(since));
      s.setInt(4, limit);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return usage(rs, 1);
      }
    } catch (SQLException e) {
      throw Sql.error("read of " + specialist + " v" + version + "'s answers", e);
    }
  }

  // The last `window + history` judged rows, numbered newest first: 1..window is the window.
  private static final String RECENT =
      """
      SELECT n <= ? AS in_window, count(*), coalesce(avg(reward), 0),
             coalesce(avg(CASE WHEN status = 'backend_error' THEN 1 ELSE 0 END), 0)
        FROM (SELECT reward, status, row_number() OVER (ORDER BY created_at DESC, id DESC) AS n
                FROM (SELECT reward, status, created_at, id FROM nyx_synthetic_specialist_queries
                       WHERE specialist = ? AND adapter_version = ? AND %s
                       ORDER BY created_at DESC, id DESC LIMIT ?) latest) numbered
       GROUP BY 1
      """
          .formatted(JUDGED);

  @Override
  public Recent recent(String specialist, int version, int window, int history) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(RECENT)) {
      s.setInt(1, window);
      s.setString(2, specialist);
      s.setInt(3, version);
      s.setInt(4, window + history);
      Usage recent = Usage.NONE;
      Usage before = Usage.NONE;
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (rs.getBoolean(1)) {
            recent = usage(rs, 2);
          } else {
            before = usage(rs, 2);
          }
        }
      }
      return new Recent(recent, before);
    } catch (SQLException e) {
      throw Sql.error("read of " + specialist + " v" + version + "'s recent answers", e);
    }
  }

  private static final String POOR =
      """
      SELECT id FROM (SELECT id, reward, status, created_at FROM nyx_synthetic_specialist_queries
                       WHERE specialist = ? AND adapter_version = ? AND %s
                       ORDER BY created_at DESC, id DESC LIMIT ?) latest
       WHERE status = 'backend_error' OR reward < ?
       ORDER BY created_at, id
      """
          .formatted(JUDGED);

  @Override
  public List<String> poorAnswers(String specialist, int version, int window, double below) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(POOR)) {
      s.setString(1, specialist);
      s.setInt(2, version);
      s.setInt(3, window);
      s.setDouble(4, below);
      try (ResultSet rs = s.executeQuery()) {
        List<String> ids = new ArrayList<>();
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
        return ids;
      }
    } catch (SQLException e) {
      throw Sql.error("read of " + specialist + " v" + version + "'s poor answers", e);
    }
  }

  private static Usage usage(ResultSet rs, int first) throws SQLException {
    return new Usage(rs.getInt(first), rs.getDouble(first + 1), rs.getDouble(first + 2));
  }

  private AdapterVersion find(String name) {
    return all().stream()
        .filter(v -> v.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(name + " vanished after its registration"));
  }

  private static AdapterVersion version(ResultSet rs) throws SQLException {
    int rank = rs.getInt("lora_rank");
    Integer maybeRank = rs.wasNull() ? null : rank;
    return new AdapterVersion(
        rs.getString("specialist"),
        rs.getInt("version"),
        rs.getString("vllm_name"),
        rs.getString("path"),
        rs.getString("base_model"),
        maybeRank,
        Sql.instant(rs, "created_at"),
        state(rs.getString("state")),
        Sql.instant(rs, "state_since"),
        rs.getDouble("share"),
        rs.getString("reason"),
        rs.getString("actor"),
        JsonColumns.readMap(rs.getString("figures")),
        rs.getBoolean("loaded"));
  }

  private static AdapterState state(String label) {
    return AdapterState.parse(label)
        .orElseThrow(() -> new IllegalStateException("unknown adapter state '" + label + "'"));
  }
}
