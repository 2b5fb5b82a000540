package io.nyx.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class FailFastDataSourceTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);

  /** A pool that fails with a given SQLState (or hands out a connection) and counts attempts. */
  static final class Pool implements DataSource {
    final AtomicInteger attempts = new AtomicInteger();
    volatile String failWith; // null = healthy
    volatile boolean busy; // times out for want of a free connection: no SQLState

    @Override
    public Connection getConnection() throws SQLException {
      attempts.incrementAndGet();
      if (busy) {
        throw new SQLTransientConnectionException("pool timeout");
      }
      if (failWith != null) {
        throw new SQLTransientConnectionException("pool timeout", failWith);
      }
      return (Connection)
          Proxy.newProxyInstance(
              getClass().getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> null);
    }

    @Override
    public Connection getConnection(String u, String p) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }

  @Test
  void anUnreachableServerFailsCallersFastUntilOneProbeSucceeds() throws SQLException {
    Pool pool = new Pool();
    FailFastDataSource ds = new FailFastDataSource(pool, Duration.ofMillis(500), now::get);
    pool.failWith = "08001";
    assertThatThrownBy(ds::getConnection).hasMessage("pool timeout");
    assertThat(ds.isOpen()).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(ds::getConnection).hasMessageContaining("database unreachable");
    }
    assertThat(pool.attempts).hasValue(1); // the five waited for nothing
    now.addAndGet(Duration.ofMillis(499).toNanos());
    assertThatThrownBy(ds::getConnection).hasMessageContaining("database unreachable");
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertThatThrownBy(ds::getConnection).hasMessage("pool timeout"); // the probe, still down
    assertThat(pool.attempts).hasValue(2);
    now.addAndGet(Duration.ofMillis(500).toNanos());
    pool.failWith = null;
    assertThat(ds.getConnection()).isNotNull(); // the probe succeeds: closed again
    assertThat(ds.isOpen()).isFalse();
    assertThat(ds.getConnection()).isNotNull();
    assertThat(pool.attempts).hasValue(4);
  }

  @Test
  void aBusyPoolOrABadStatementDoesNotTripIt() {
    Pool pool = new Pool();
    FailFastDataSource ds = new FailFastDataSource(pool, Duration.ofMillis(500), now::get);
    pool.busy = true;
    assertThatThrownBy(ds::getConnection).hasMessage("pool timeout");
    pool.busy = false;
    pool.failWith = "57014"; // query cancelled: not a connectivity problem
    assertThatThrownBy(ds::getConnection).hasMessage("pool timeout");
    assertThat(ds.isOpen()).isFalse();
    assertThat(pool.attempts).hasValue(2);
  }
}
