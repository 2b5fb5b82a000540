package io.nyx.persistence;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A circuit breaker in front of the connection pool. While PostgreSQL is unreachable every {@code
 * getConnection} would wait out the pool's timeout (3 s), and every request that touches the
 * database — recall, fact search, the review queue — with it: a 30 s outage cut throughput to a few
 * requests a second although rows, feedback and follow-ups have a spool to go to. After a failure
 * that says the server cannot be reached (SQLState class 08, which the pool passes on from its last
 * connection attempt), callers fail at once for {@code cooldown}; then one caller probes while the
 * others keep failing fast, and its success closes the breaker. A pool that is merely busy (no
 * connection error behind its timeout) does not trip it. Thread-safe.
 */
final class FailFastDataSource implements DataSource {
  private final DataSource inner;
  private final long cooldownNanos;
  private final LongSupplier nanoClock;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile boolean open;
  private volatile long retryAt;

  FailFastDataSource(DataSource inner, Duration cooldown, LongSupplier nanoClock) {
    this.inner = inner;
    this.cooldownNanos = cooldown.toNanos();
    this.nanoClock = nanoClock;
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (!open) {
      return attempt();
    }
    if (nanoClock.getAsLong() - retryAt < 0 || !probing.compareAndSet(false, true)) {
      throw new SQLTransientConnectionException(
          "database unreachable (a connection attempt just failed; retrying shortly)", "08006");
    }
    try {
      return attempt();
    } finally {
      probing.set(false);
    }
  }

  private Connection attempt() throws SQLException {
    try {
      Connection c = inner.getConnection();
      open = false;
      return c;
    } catch (SQLException e) {
      if (unreachable(e)) {
        retryAt = nanoClock.getAsLong() + cooldownNanos;
        open = true;
      }
      throw e;
    }
  }

  static boolean unreachable(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("08");
  }

  boolean isOpen() {
    return open;
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the pool has its own credentials");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return inner.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    inner.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    inner.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return inner.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return inner.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) ? type.cast(this) : inner.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || inner.isWrapperFor(type);
  }
}
