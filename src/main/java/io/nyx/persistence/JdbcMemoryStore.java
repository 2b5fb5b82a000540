package io.nyx.persistence;

import io.nyx.context.Memory;
import io.nyx.context.MemoryStore;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** {@link MemoryStore} over {@code nyx_subjective_memory}; embeddings are {@code real[]}. */
public final class JdbcMemoryStore implements MemoryStore {
  private static final String COLUMNS =
      "id, text, embedding, metadata::text AS metadata, source, session_id, created_at";
  private static final String INSERT =
      "INSERT INTO nyx_subjective_memory (text, embedding, metadata, source, session_id)"
          + " VALUES (?, ?, CAST(? AS jsonb), ?, ?) RETURNING "
          + COLUMNS;
  private static final String ALL = "SELECT " + COLUMNS + " FROM nyx_subjective_memory ORDER BY id";

  private final DataSource dataSource;

  public JdbcMemoryStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Memory add(
      String text,
      float[] embedding,
      Map<String, Object> metadata,
      String source,
      @Nullable String sessionId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, text);
      s.setArray(2, c.createArrayOf("real", boxed(embedding)));
      s.setString(3, JsonColumns.write(metadata));
      s.setString(4, source);
      s.setString(5, sessionId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return read(rs);
      }
    } catch (SQLException e) {
      throw Sql.error("insert of memory", e);
    }
  }

  @Override
  public List<Memory> all() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(ALL)) {
      s.setFetchSize(1_000); // streams instead of loading every row at once (needs a transaction)
      c.setAutoCommit(false);
      try (ResultSet rs = s.executeQuery()) {
        List<Memory> memories = new ArrayList<>();
        while (rs.next()) {
          memories.add(read(rs));
        }
        c.commit();
        return memories;
      }
    } catch (SQLException e) {
      throw Sql.error("listing of memories", e);
    }
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
        rs.getString("session_id"),
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
