package io.nyx.persistence.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Ties the stored memory vectors to the model that made them ({@code nyx_embedding_model}, V73).
 * Vectors of two models are not comparable, so a server whose embedding model differs from the
 * recorded one refuses to start while memories exist, saying what to do; with no memories stored it
 * records its own model. The first start after V73 records the model in use (the rows before it
 * were made by the only model that server had).
 */
public final class JdbcEmbeddingModel {
  private static final String RECORDED = "SELECT model, dimension FROM nyx_embedding_model";
  private static final String RECORD =
      "INSERT INTO nyx_embedding_model (model, dimension) VALUES (?, ?)"
          + " ON CONFLICT (singleton) DO UPDATE SET model = excluded.model,"
          + " dimension = excluded.dimension, recorded_at = now()";
  private static final String ANY_MEMORY = "SELECT EXISTS (SELECT 1 FROM nyx_subjective_memory)";

  private JdbcEmbeddingModel() {}

  /**
   * @throws IllegalStateException when memories exist that another model embedded
   */
  public static void requireSame(DataSource dataSource, String model, int dimension) {
    try (Connection c = dataSource.getConnection()) {
      String[] recorded = recorded(c);
      if (recorded != null
          && recorded[0].equals(model)
          && recorded[1].equals(String.valueOf(dimension))) {
        return;
      }
      if (recorded != null && anyMemory(c)) {
        throw new IllegalStateException(
            "stored memories were embedded with "
                + recorded[0]
                + " ("
                + recorded[1]
                + "-d) but embedding.model is "
                + model
                + " ("
                + dimension
                + "-d): vectors of two models cannot be searched together. Set embedding.model"
                + " back to "
                + recorded[0]
                + ", or export and delete the memories and import them again under the new"
                + " model (nyx memory import re-embeds)");
      }
      try (PreparedStatement s = c.prepareStatement(RECORD)) {
        s.setString(1, model);
        s.setInt(2, dimension);
        s.executeUpdate();
      }
    } catch (SQLException e) {
      throw Sql.error("check of the memories' embedding model", e);
    }
  }

  private static String @Nullable [] recorded(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(RECORDED);
        ResultSet rs = s.executeQuery()) {
      return rs.next() ? new String[] {rs.getString(1), String.valueOf(rs.getInt(2))} : null;
    }
  }

  private static boolean anyMemory(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(ANY_MEMORY);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
