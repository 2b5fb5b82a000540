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
  /** Rows per transaction when replaying: one commit per row made replay slower than arrivals. */
  static final int REPLAY_BATCH = 500;

  private final QueryLog primary;
  private final ReplaySpool spool;

  public DurableQueryLog(QueryLog primary, Path spoolDir, Duration retryInterval) {
    this.primary = primary;
    this.spool =
        new ReplaySpool(
            spoolDir.resolve("queries.spool"), "rows", () -> true, this::replay, retryInterval);
  }

  @Override
  public void append(QueryRecord record) {
    spool.write(
        () -> {
          primary.append(record);
          return record;
        },
        () -> QueryRecordCodec.encode(record));
  }

  @Override
  public Optional<QueryRecord> find(UUID id) {
    for (byte[] frame : spool.frames()) {
      QueryRecord r = decode(frame);
      if (r.id().equals(id)) {
        return Optional.of(r);
      }
    }
    return primary.find(id);
  }

  /** Rows acknowledged but not yet in the database. */
  public int pending() {
    return spool.pending();
  }

  /** Tries to move every spooled row into the database now; true when the spool is empty. */
  public boolean replayNow() {
    return spool.replayNow();
  }

  private void replay(List<byte[]> frames) throws IOException {
    List<QueryRecord> batch = new ArrayList<>(REPLAY_BATCH);
    for (byte[] frame : frames) {
      batch.add(QueryRecordCodec.decode(frame));
      if (batch.size() == REPLAY_BATCH) {
        primary.appendAll(batch);
        batch.clear();
      }
    }
    primary.appendAll(batch);
  }

  private QueryRecord decode(byte[] frame) {
    try {
      return QueryRecordCodec.decode(frame);
    } catch (IOException e) {
      throw new StoreException("spool read", e);
    }
  }

  /** Stops the replayer after one last attempt; rows still spooled wait for the next start. */
  @Override
  public void close() {
    spool.close();
  }
}
