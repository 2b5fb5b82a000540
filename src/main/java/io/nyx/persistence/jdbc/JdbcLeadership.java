package io.nyx.persistence.jdbc;

import io.nyx.adapter.Leadership;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link Leadership} as a PostgreSQL session advisory lock held on one connection of the pool: the
 * replica whose connection holds it decides. If that replica dies or its connection breaks, the
 * server releases the lock and the next replica to ask takes it. While it leads, a replica keeps
 * the connection (one of the pool's); a follower holds none. Thread-safe.
 */
public final class JdbcLeadership implements Leadership {
  private static final Logger LOG = Logger.getLogger(JdbcLeadership.class.getName());

  /** Any constant both replicas agree on; hashed like the partition lock in V1. */
  static final String LOCK = "SELECT pg_try_advisory_lock(hashtext('nyx_adapter_decisions'))";

  static final String UNLOCK = "SELECT pg_advisory_unlock(hashtext('nyx_adapter_decisions'))";

  private static final int VALID_TIMEOUT_S = 2;

  private final DataSource dataSource;
  private @Nullable Connection held;

  public JdbcLeadership(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public synchronized boolean lead() {
    Connection c = held;
    try {
      if (c != null && c.isValid(VALID_TIMEOUT_S)) {
        return true;
      }
    } catch (SQLException e) {
      // treated as lost below
    }
    release();
    return take();
  }

  private boolean take() {
    Connection c = null;
    try {
      c = dataSource.getConnection();
      try (PreparedStatement s = c.prepareStatement(LOCK);
          ResultSet rs = s.executeQuery()) {
        if (rs.next() && rs.getBoolean(1)) {
          held = c;
          LOG.info("this replica now takes the automatic adapter decisions");
          return true;
        }
      }
      c.close();
      return false;
    } catch (SQLException e) {
      closeQuietly(c);
      LOG.log(Level.FINE, "adapter leadership not taken: database unavailable", e);
      return false;
    }
  }

  /**
   * Unlocks, then gives the connection back: the pool keeps the session open, so closing alone
   * would leave the lock held by an idle pooled connection. (A broken connection's session is gone,
   * and its lock with it.)
   */
  private void release() {
    Connection c = held;
    held = null;
    if (c != null) {
      try (PreparedStatement s = c.prepareStatement(UNLOCK)) {
        s.execute();
      } catch (SQLException e) {
        // broken: the server ended the session and released the lock
      }
    }
    closeQuietly(c);
  }

  private static void closeQuietly(@Nullable Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // already broken: nothing to give back
    }
  }

  @Override
  public synchronized void close() {
    release();
  }
}
