package io.nyx.persistence.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on channel {@code nyx_memory} (V10's trigger: {@code +id} after an insert or update,
 * {@code -id} after a delete) and hands each id to {@code changed}, so this replica's vector index
 * follows writes made through any replica, typically within milliseconds of their commit.
 *
 * <p>One daemon thread holds one pooled connection. After every (re)connect it runs {@code
 * connected} before waiting, so inserts committed while it was not listening are caught up. If the
 * connection fails it retries every {@link #RETRY}. {@link #close} stops the thread within about
 * {@link #POLL}. Thread-safe.
 */
public final class MemoryNotifications implements AutoCloseable {
  static final String CHANNEL = "nyx_memory";
  static final Duration POLL = Duration.ofMillis(250);
  static final Duration RETRY = Duration.ofSeconds(1);
  private static final Logger LOG = Logger.getLogger(MemoryNotifications.class.getName());

  private final DataSource dataSource;
  private final LongConsumer changed;
  private final Runnable connected;
  private final Thread thread;
  private volatile boolean running = true;

  private MemoryNotifications(DataSource dataSource, LongConsumer changed, Runnable connected) {
    this.dataSource = dataSource;
    this.changed = changed;
    this.connected = connected;
    this.thread = Thread.ofPlatform().daemon().name("nyx-memory-listen").unstarted(this::loop);
  }

  /** Starts listening; the first {@code connected} call happens on the listener thread. */
  public static MemoryNotifications start(
      DataSource dataSource, LongConsumer changed, Runnable connected) {
    MemoryNotifications n = new MemoryNotifications(dataSource, changed, connected);
    n.thread.start();
    return n;
  }

  private void loop() {
    while (running) {
      try {
        listen();
      } catch (SQLException | RuntimeException e) {
        if (running) {
          LOG.log(Level.WARNING, "memory notifications interrupted; retrying", e);
          pause();
        }
      }
    }
  }

  private void listen() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("LISTEN " + CHANNEL); // a constant identifier: LISTEN takes no parameter
      }
      connected.run();
      PGConnection pg = c.unwrap(PGConnection.class);
      while (running) {
        PGNotification[] notes = pg.getNotifications((int) POLL.toMillis());
        if (notes != null) {
          for (PGNotification note : notes) {
            changed.accept(Long.parseLong(note.getParameter().substring(1)));
          }
        }
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(RETRY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(POLL.multipliedBy(4));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
