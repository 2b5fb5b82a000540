package io.nyx.persistence.jdbc;

import io.nyx.persistence.StoreException;
import io.nyx.security.ApiKey;
import io.nyx.security.KeyStore;
import io.nyx.security.Scope;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/** {@link KeyStore} over {@code nyx_api_keys}. */
public final class JdbcKeyStore implements KeyStore {
  private final DataSource ds;

  public JdbcKeyStore(DataSource ds) {
    this.ds = ds;
  }

  @Override
  public void create(ApiKey key) {
    String sql =
        "INSERT INTO nyx_api_keys"
            + " (name, key_sha256, scopes, rate_per_second, burst, max_concurrent, tenant)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, key.name());
      ps.setString(2, key.sha256());
      ps.setArray(3, c.createArrayOf("text", key.scopes().stream().map(Scope::label).toArray()));
      ps.setDouble(4, key.ratePerSecond());
      ps.setInt(5, key.burst());
      ps.setInt(6, key.maxConcurrent());
      ps.setString(7, key.tenant());
      ps.executeUpdate();
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new IllegalArgumentException("an active key named '" + key.name() + "' exists", e);
      }
      throw new StoreException("create API key", e);
    }
  }

  @Override
  public List<ApiKey> active() {
    String sql =
        "SELECT name, key_sha256, scopes, rate_per_second, burst, max_concurrent, tenant"
            + " FROM nyx_api_keys WHERE revoked_at IS NULL ORDER BY name";
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      List<ApiKey> keys = new ArrayList<>();
      while (rs.next()) {
        keys.add(
            new ApiKey(
                rs.getString(1),
                rs.getString(2),
                scopes(rs.getArray(3)),
                rs.getDouble(4),
                rs.getInt(5),
                rs.getInt(6),
                rs.getString(7)));
      }
      return keys;
    } catch (SQLException e) {
      throw new StoreException("list API keys", e);
    }
  }

  @Override
  public boolean revoke(String name) {
    String sql = "UPDATE nyx_api_keys SET revoked_at = now() WHERE name = ? AND revoked_at IS NULL";
    return Sql.update(ds, sql, "revoke API key", s -> s.setString(1, name)) > 0;
  }

  private static Set<Scope> scopes(Array array) throws SQLException {
    Set<Scope> set = EnumSet.noneOf(Scope.class);
    for (Object o : (Object[]) array.getArray()) {
      set.add(Scope.parse("nyx_api_keys.scopes", (String) o));
    }
    return set;
  }
}
