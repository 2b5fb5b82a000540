package io.nyx.persistence.jdbc;

import io.nyx.context.Memory;
import io.nyx.context.MemoryFilter;
import io.nyx.context.MemoryStore;
import io.nyx.memory.Owner;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGStatement;

/**
 * {@link MemoryStore} over {@code nyx_subjective_memory}; embeddings are {@code real[]}. A text is
 * unique per tenant by {@code (tenant, md5(text))} (V60); inserting it again returns the stored row
 * unchanged. Every value is a bound parameter. Thread-safe.
 */
public final class JdbcMemoryStore implements MemoryStore {
  private static final String COLUMNS =
      "id, text, embedding, metadata::text AS metadata, source, session_id, tenant, shared,"
          + " created_at";

  /** The no-op update makes RETURNING yield the existing row on a duplicate. */
  private static final String INSERT =
      "INSERT INTO nyx_subjective_memory"
          + " (text, embedding, metadata, source, session_id, tenant, shared)"
          + " VALUES (?, ?, CAST(? AS jsonb), ?, ?, ?, ?)"
          + " ON CONFLICT (tenant, (md5(text))) DO UPDATE SET text = nyx_subjective_memory.text"
          + " WHERE false RETURNING "
          + COLUMNS;

  private static final String BY_TEXT =
      "SELECT "
          + COLUMNS
          + " FROM nyx_subjective_memory WHERE tenant = ? AND md5(text) = md5(?) AND text = ?";
  private static final String EXISTING =
      "SELECT text FROM nyx_subjective_memory WHERE tenant = ? AND md5(text) = ANY (ARRAY(SELECT"
          + " md5(t) FROM unnest(CAST(? AS text[])) AS t))";
  private static final String BY_IDS =
      "SELECT " + COLUMNS + " FROM nyx_subjective_memory WHERE id = ANY (?)";
  private static final String AFTER =
      "SELECT " + COLUMNS + " FROM nyx_subjective_memory WHERE id > ? ORDER BY id";

  /** {@code array_send}: the array in PostgreSQL's binary format, decoded without parsing text. */
  private static final String EMBEDDINGS_AFTER =
      "SELECT id, array_send(embedding), tenant, session_id, shared FROM nyx_subjective_memory"
          + " WHERE id > ? ORDER BY id";

  private static final String COUNT_UP_TO =
      "SELECT count(*) FROM nyx_subjective_memory WHERE id <= ?";
  private static final String IDS_UP_TO =
      "SELECT id FROM nyx_subjective_memory WHERE id <= ? ORDER BY id";
  private static final String DELETE = "DELETE FROM nyx_subjective_memory WHERE id = ?";
  private static final String DELETE_WHERE =
      "DELETE FROM nyx_subjective_memory WHERE (CAST(? AS text) IS NULL OR tenant = ?)"
          + " AND (CAST(? AS text) IS NULL OR session_id = ?)"
          + " AND (CAST(? AS text) IS NULL OR source = ?) RETURNING id";

  private final DataSource dataSource;

  public JdbcMemoryStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Memory add(
      String text, float[] embedding, Map<String, Object> metadata, String source, Owner owner) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, text);
      s.setArray(2, c.createArrayOf("real", boxed(embedding)));
      s.setString(3, JsonColumns.write(metadata));
      s.setString(4, source);
      s.setString(5, owner.session());
      s.setString(6, owner.tenant());
      s.setBoolean(7, owner.shared());
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          return read(rs);
        }
      }
      return byText(c, owner.tenant(), text);
    } catch (SQLException e) {
      throw Sql.error("insert of memory", e);
    }
  }

  private static Memory byText(Connection c, String tenant, String text) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(BY_TEXT)) {
      s.setString(1, tenant);
      s.setString(2, text);
      s.setString(3, text);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("memory was a duplicate but is gone (deleted concurrently)");
        }
        return read(rs);
      }
    }
  }

  @Override
  public Set<String> existing(Collection<String> texts, String tenant) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(EXISTING)) {
      s.setString(1, tenant);
      s.setArray(2, c.createArrayOf("text", texts.toArray()));
      Set<String> found = new HashSet<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
      found.retainAll(new HashSet<>(texts)); // an md5 match alone is not equality
      return found;
    } catch (SQLException e) {
      throw Sql.error("lookup of existing memories", e);
    }
  }

  @Override
  public Optional<Memory> find(long id) {
    return findAll(List.of(id)).stream().findFirst();
  }

  @Override
  public List<Memory> findAll(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(BY_IDS)) {
      s.setArray(1, c.createArrayOf("bigint", ids.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        List<Memory> out = new ArrayList<>();
        while (rs.next()) {
          out.add(read(rs));
        }
        return out;
      }
    } catch (SQLException e) {
      throw Sql.error("lookup of memories by id", e);
    }
  }

  @Override
  public boolean delete(long id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(DELETE)) {
      s.setLong(1, id);
      return s.executeUpdate() > 0;
    } catch (SQLException e) {
      throw Sql.error("delete of memory " + id, e);
    }
  }

  @Override
  public List<Long> delete(MemoryFilter filter) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(DELETE_WHERE)) {
      s.setString(1, filter.tenant());
      s.setString(2, filter.tenant());
      s.setString(3, filter.sessionId());
      s.setString(4, filter.sessionId());
      s.setString(5, filter.source());
      s.setString(6, filter.source());
      List<Long> ids = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw Sql.error("delete of memories by filter", e);
    }
  }

  @Override
  public void forEachAfter(long afterId, Consumer<Memory> action) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(AFTER)) {
      c.setAutoCommit(false); // a cursor (fetch size) needs a transaction
      s.setFetchSize(1_000);
      s.setLong(1, afterId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          action.accept(read(rs));
        }
      } finally {
        c.commit();
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw Sql.error("listing of memories after id " + afterId, e);
    }
  }

  @Override
  public void forEachEmbeddingAfter(long afterId, EmbeddingConsumer action) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(EMBEDDINGS_AFTER)) {
      c.setAutoCommit(false);
      s.setFetchSize(2_000);
      // A negative threshold makes pgjdbc fetch in binary from the first run: raw bytea, no hex.
      s.unwrap(PGStatement.class).setPrepareThreshold(-1);
      s.setLong(1, afterId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Owner owner = new Owner(rs.getString(3), rs.getString(4), rs.getBoolean(5));
          action.accept(rs.getLong(1), BinaryArrays.floats(rs.getBytes(2)), owner);
        }
      } finally {
        c.commit();
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw Sql.error("listing of memory embeddings after id " + afterId, e);
    }
  }

  @Override
  public long countUpTo(long maxId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(COUNT_UP_TO)) {
      s.setLong(1, maxId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw Sql.error("count of memories up to id " + maxId, e);
    }
  }

  @Override
  public long[] idsUpTo(long maxId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(IDS_UP_TO)) {
      c.setAutoCommit(false);
      s.setFetchSize(10_000);
      s.setLong(1, maxId);
      try (ResultSet rs = s.executeQuery()) {
        long[] ids = new long[1024];
        int n = 0;
        while (rs.next()) {
          if (n == ids.length) {
            ids = java.util.Arrays.copyOf(ids, n * 2);
          }
          ids[n++] = rs.getLong(1);
        }
        return java.util.Arrays.copyOf(ids, n);
      } finally {
        c.commit();
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw Sql.error("listing of memory ids", e);
    }
  }

  @Override
  public List<Memory> all() {
    List<Memory> memories = new ArrayList<>();
    forEachAfter(Long.MIN_VALUE, memories::add);
    return memories;
  }

  private static Float[] boxed(float[] values) {
    Float[] boxed = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }

  private static Memory read(ResultSet rs) throws SQLException {
    return new Memory(
        rs.getLong("id"),
        rs.getString("text"),
        floats(rs.getArray("embedding")),
        JsonColumns.readMap(rs.getString("metadata")),
        rs.getString("source"),
        new Owner(rs.getString("tenant"), rs.getString("session_id"), rs.getBoolean("shared")),
        Sql.instant(rs, "created_at"));
  }

  private static float[] floats(Array array) throws SQLException {
    Float[] boxed = (Float[]) array.getArray(); // pgjdbc maps real[] to Float[]
    float[] values = new float[boxed.length];
    for (int i = 0; i < boxed.length; i++) {
      values[i] = boxed[i];
    }
    return values;
  }
}
