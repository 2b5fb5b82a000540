package io.nyx.persistence.durable;

import io.nyx.persistence.StoreException;
import io.nyx.pipeline.QueryLog;
import io.nyx.pipeline.QueryRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
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
 *
 * <p>A row the database refuses for good (a data or constraint error, not an outage) is kept in
 * {@code queries.spool.dead} instead, directly or from a replay, so it never blocks the rows behind
 * it (see {@link ReplaySpool}).
 */
public final class DurableQueryLog implements QueryLog, AutoCloseable {
  /** Rows per transaction when replaying: one commit per row made replay slower than arrivals. */
  static final int REPLAY_BATCH = 500;

  private final QueryLog primary;
  private final ReplaySpool spool;

  /**
   * @param clock stamps dead letters
   */
  public DurableQueryLog(
      QueryLog primary, Path spoolDir, Duration retryInterval, InstantSource clock) {
    this.primary = primary;
    this.spool =
        new ReplaySpool(
            spoolDir.resolve("queries.spool"),
            "rows",
            () -> true,
            new ReplaySpool.Writer(
                frame -> primary.append(QueryRecordCodec.decode(frame)),
                this::replay,
                REPLAY_BATCH,
                ReplaySpool.Writer.jsonId("id")),
            retryInterval,
            clock);
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

  /** The spool's state: rows waiting, rows dead-lettered. */
  public SpoolState spoolState() {
    return spool.state();
  }

  /** Tries to move every spooled row into the database now; true when the spool is empty. */
  public boolean replayNow() {
    return spool.replayNow();
  }

  /** One batch in one transaction; the spool splits a batch the database refuses for good. */
  private void replay(List<byte[]> frames) throws IOException {
    List<QueryRecord> batch = new ArrayList<>(frames.size());
    for (byte[] frame : frames) {
      batch.add(QueryRecordCodec.decode(frame));
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
