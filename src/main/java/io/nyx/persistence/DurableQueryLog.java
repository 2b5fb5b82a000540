package io.nyx.persistence;

import io.nyx.pipeline.QueryLog;
import io.nyx.pipeline.QueryRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The durable write path for request rows: PostgreSQL when it answers, otherwise a local
 * append-only spool (each row forced to disk before the append returns), replayed in order when the
 * database is back. Replay is at-least-once and the database append is idempotent by (id,
 * created_at), so every acknowledged row lands exactly once, even across a kill -9 (the spool is
 * replayed at the next start). While the spool holds rows, new rows queue behind them, so the
 * database receives them in the order they were acknowledged. Thread-safe.
 *
 * <p>When the spool is empty, rows go to the database without taking the spool's lock, so
 * concurrent requests insert concurrently (one lock around every insert capped throughput at one
 * insert at a time). Rows of concurrent requests have no order to keep; a row whose insert fails
 * joins the spool behind any row spooled before it.
 */
public final class DurableQueryLog implements QueryLog, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DurableQueryLog.class.getName());

  /** Rows per transaction when replaying: one commit per row made replay slower than arrivals. */
  static final int REPLAY_BATCH = 500;

  private final QueryLog primary;
  private final SpoolFile spool;
  private final Duration retryInterval;
  private final Object lock = new Object();
  private final Thread replayer;
  private volatile boolean running = true;
  private volatile int pending; // written under lock; read without it on the fast path

  public DurableQueryLog(QueryLog primary, Path spoolDir, Duration retryInterval) {
    this.primary = primary;
    this.spool = new SpoolFile(spoolDir.resolve("queries.spool"));
    this.retryInterval = retryInterval;
    synchronized (lock) {
      pending = count();
    }
    this.replayer = Thread.ofVirtual().name("nyx-spool-replay").start(this::loop);
  }

  @Override
  public void append(QueryRecord record) {
    if (pending == 0 && direct(record)) {
      return;
    }
    synchronized (lock) {
      // The spool may have drained while this caller waited for the lock (a replay holds it):
      // write directly again, or under steady load every later row would join the spool too.
      if (pending == 0 && direct(record)) {
        return;
      }
      spoolOne(record);
    }
  }

  private boolean direct(QueryRecord record) {
    try {
      primary.append(record);
      return true;
    } catch (StoreException e) {
      LOG.log(
          Level.WARNING,
          "database unavailable, spooling rows to " + spool.path() + ": " + e.getMessage());
      return false;
    }
  }

  private void spoolOne(QueryRecord record) {
    try {
      spool.append(QueryRecordCodec.encode(record));
      pending++;
    } catch (IOException e) {
      throw new StoreException("spool append to " + spool.path() + " (database also down)", e);
    }
  }

  @Override
  public Optional<QueryRecord> find(UUID id) {
    synchronized (lock) {
      if (pending > 0) {
        Optional<QueryRecord> spooled = findSpooled(id);
        if (spooled.isPresent()) {
          return spooled;
        }
      }
    }
    return primary.find(id);
  }

  /** Rows acknowledged but not yet in the database. */
  public int pending() {
    return pending;
  }

  /** Tries to move every spooled row into the database now; true when the spool is empty. */
  public boolean replayNow() {
    synchronized (lock) {
      if (pending == 0) {
        return true;
      }
      try {
        SpoolFile.Contents c = spool.readAll();
        int done = 0;
        List<QueryRecord> batch = new ArrayList<>(REPLAY_BATCH);
        for (byte[] frame : c.frames()) {
          batch.add(QueryRecordCodec.decode(frame));
          if (batch.size() == REPLAY_BATCH) {
            primary.appendAll(batch);
            done += batch.size();
            batch.clear();
          }
        }
        primary.appendAll(batch);
        done += batch.size();
        spool.delete();
        pending = 0;
        LOG.info("replayed " + done + " spooled rows into the database");
        return true;
      } catch (StoreException e) {
        return false; // still down; the spool keeps every row, replay restarts from its head
      } catch (IOException e) {
        LOG.log(Level.SEVERE, "cannot read spool " + spool.path(), e);
        return false;
      }
    }
  }

  private void loop() {
    while (running) {
      replayNow();
      try {
        Thread.sleep(retryInterval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Optional<QueryRecord> findSpooled(UUID id) {
    try {
      for (byte[] frame : spool.readAll().frames()) {
        QueryRecord r = QueryRecordCodec.decode(frame);
        if (r.id().equals(id)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreException("spool read " + spool.path(), e);
    }
  }

  /** Counts valid frames and cuts a torn tail left by a crash. */
  private int count() {
    try {
      SpoolFile.Contents c = spool.readAll();
      spool.truncateTo(c.validLength());
      return c.frames().size();
    } catch (IOException e) {
      throw new StoreException("spool recovery " + spool.path(), e);
    }
  }

  /** Stops the replayer after one last attempt; rows still spooled wait for the next start. */
  @Override
  public void close() {
    running = false;
    replayer.interrupt();
    try {
      replayer.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    replayNow();
  }
}
