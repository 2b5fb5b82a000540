package io.nyx.persistence.durable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.persistence.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link SpoolFile} of writes the database could not take, with a thread that replays them in
 * order once the database is back and {@code ready} says so (later spools wait for the request
 * rows' spool: their writes may refer to a row still in it). A replay that fails part-way starts
 * again from the first frame not yet written, so each frame's write must be idempotent.
 * Thread-safe.
 *
 * <p>A write the database refuses for good ({@link FailureKind#PERMANENT}: the frame's own data is
 * at fault) would fail the same way forever and hold up every frame behind it. Such a frame goes to
 * the dead-letter file beside the spool ({@code queries.spool.dead}, see {@link DeadLetters}) with
 * the error and the time, logged at SEVERE and counted; the frames behind it replay in order. A
 * batch that fails so is replayed frame by frame, so exactly the poisoned frames are set aside. A
 * direct write refused for good goes there at once instead of into the spool.
 */
final class ReplaySpool implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ReplaySpool.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes one frame to the database. */
  interface Frame {
    void apply(byte[] frame) throws IOException;
  }

  /** Writes frames, in order, to the database in one go (one transaction). */
  interface Batch {
    void apply(List<byte[]> frames) throws IOException;
  }

  /**
   * How a spool's frames reach the database.
   *
   * @param batchSize frames per {@code batch} call on replay
   * @param id the id a frame carries, for the log and the dead letter
   */
  record Writer(Frame one, Batch batch, int batchSize, Function<byte[], String> id) {
    /** One frame at a time. */
    static Writer each(Frame one, Function<byte[], String> id) {
      return new Writer(one, frames -> one.apply(frames.getFirst()), 1, id);
    }

    /** The frame's JSON field {@code field} as its id ("unknown" when it has none). */
    static Function<byte[], String> jsonId(String field) {
      return frame -> {
        try {
          JsonNode n = JSON.readTree(frame).path(field);
          return n.isTextual() ? n.asText() : "unknown";
        } catch (IOException e) {
          return "unknown";
        }
      };
    }
  }

  private final SpoolFile file;
  private final SpoolFile dead;
  private final String what;
  private final BooleanSupplier ready;
  private final Writer writer;
  private final Duration interval;
  private final InstantSource clock;
  private final Object lock = new Object();
  private final Thread replayer;
  private volatile boolean running = true;
  private volatile int pending; // written under lock
  private final AtomicLong moved = new AtomicLong(); // out of the spool since start: landed or dead
  private final AtomicLong deadLetters = new AtomicLong(); // frames in the dead-letter file
  private final AtomicLong deadLettered = new AtomicLong(); // frames this process dead-lettered

  ReplaySpool(
      Path file,
      String what,
      BooleanSupplier ready,
      Writer writer,
      Duration interval,
      InstantSource clock) {
    this.file = new SpoolFile(file);
    this.dead = new SpoolFile(DeadLetters.of(file));
    this.what = what;
    this.ready = ready;
    this.writer = writer;
    this.interval = interval;
    this.clock = clock;
    synchronized (lock) {
      pending = recover();
      deadLetters.set(countDead());
    }
    this.replayer = Thread.ofVirtual().name("nyx-replay-" + what).start(this::loop);
  }

  int pending() {
    return pending;
  }

  /** Its state for {@code /ready} and the metrics. */
  SpoolState state() {
    return new SpoolState(what, pending, moved.get(), deadLetters.get(), deadLettered.get());
  }

  /**
   * Writes through {@code direct} while nothing waits in the spool; otherwise, or when the database
   * is away, forces {@code frame} to disk behind the frames already waiting. A caller that finds
   * the spool just drained (it waited on the lock while the replay ran) writes directly again, so
   * the spool empties under steady load instead of taking every later write too. A write the
   * database refuses for good goes to the dead-letter file instead, so it cannot block the spool.
   *
   * @return the direct result, or empty when the write was kept on disk (spooled or dead-lettered)
   * @throws StoreException when the write could be neither made nor kept on disk
   */
  <T> Optional<T> write(Supplier<T> direct, Supplier<byte[]> frame) {
    if (pending == 0) {
      Attempt<T> a = tryDirect(direct);
      if (a instanceof Attempt.Done<T> done) {
        return Optional.of(done.value());
      }
      if (a instanceof Attempt.Refused<T> refused) {
        return refuse(frame.get(), refused.failure());
      }
    }
    synchronized (lock) {
      if (pending == 0) {
        Attempt<T> a = tryDirect(direct);
        if (a instanceof Attempt.Done<T> done) {
          return Optional.of(done.value());
        }
        if (a instanceof Attempt.Refused<T> refused) {
          return refuse(frame.get(), refused.failure());
        }
      }
      try {
        file.append(frame.get());
        pending++;
        return Optional.empty();
      } catch (IOException e) {
        throw new StoreException(
            what + " spool append to " + file.path() + " (database also down)", e);
      }
    }
  }

  /** What a direct write came to. */
  private sealed interface Attempt<T> {
    record Done<T>(T value) implements Attempt<T> {}

    record Away<T>() implements Attempt<T> {}

    record Refused<T>(StoreException failure) implements Attempt<T> {}
  }

  private <T> Attempt<T> tryDirect(Supplier<T> direct) {
    try {
      return new Attempt.Done<>(direct.get());
    } catch (StoreException e) {
      if (FailureKind.of(e) == FailureKind.PERMANENT) {
        return new Attempt.Refused<>(e);
      }
      LOG.log(Level.WARNING, "database unavailable, spooling " + what + ": " + e.getMessage());
      return new Attempt.Away<>();
    }
  }

  /** A direct write refused for good: kept in the dead-letter file, not in front of the queue. */
  private <T> Optional<T> refuse(byte[] frame, StoreException failure) {
    synchronized (lock) {
      try {
        deadLetter(frame, failure);
        return Optional.empty();
      } catch (IOException e) {
        failure.addSuppressed(e);
        throw new StoreException(what + " dead-letter append to " + dead.path(), failure);
      }
    }
  }

  /** The frames waiting, in order (empty when none). */
  List<byte[]> frames() {
    synchronized (lock) {
      if (pending == 0) {
        return List.of();
      }
      try {
        return file.readAll().frames();
      } catch (IOException e) {
        throw new StoreException(what + " spool read " + file.path(), e);
      }
    }
  }

  /** Replays every frame now if the database allows; true when none is left. */
  boolean replayNow() {
    synchronized (lock) {
      if (pending == 0) {
        return true;
      }
      if (!ready.getAsBoolean()) {
        return false;
      }
      try {
        List<byte[]> frames = file.readAll().frames();
        int done = drain(frames);
        moved.addAndGet(done);
        if (done == frames.size()) {
          file.delete();
          pending = 0;
          LOG.info("replayed " + frames.size() + " spooled " + what + " write(s)");
          return true;
        }
        if (done > 0) {
          // Not replayed again: a dead-lettered frame would be dead-lettered twice.
          file.rewrite(frames.subList(done, frames.size()));
          pending = frames.size() - done;
        }
        return false;
      } catch (IOException e) {
        LOG.log(Level.SEVERE, "cannot read or rewrite " + what + " spool " + file.path(), e);
        return false;
      }
    }
  }

  /**
   * Writes the frames in batches until the database is away; a batch refused for good is written
   * frame by frame, the refused frames dead-lettered.
   *
   * @return how many frames, from the first, are out of the spool (written or dead-lettered)
   */
  private int drain(List<byte[]> frames) throws IOException {
    int done = 0;
    while (done < frames.size()) {
      List<byte[]> batch = frames.subList(done, Math.min(frames.size(), done + writer.batchSize()));
      try {
        writer.batch().apply(batch);
        done += batch.size();
      } catch (IOException | RuntimeException e) {
        if (FailureKind.of(e) == FailureKind.TRANSIENT) {
          return done; // still away; the next pass starts here
        }
        int each = batch.size() == 1 ? deadLetterOne(batch.getFirst(), e) : oneByOne(batch);
        done += each;
        if (each < batch.size()) {
          return done;
        }
      }
    }
    return done;
  }

  private int oneByOne(List<byte[]> batch) throws IOException {
    for (int i = 0; i < batch.size(); i++) {
      try {
        writer.one().apply(batch.get(i));
      } catch (IOException | RuntimeException e) {
        if (FailureKind.of(e) == FailureKind.TRANSIENT) {
          return i;
        }
        deadLetterOne(batch.get(i), e);
      }
    }
    return batch.size();
  }

  private int deadLetterOne(byte[] frame, Throwable why) throws IOException {
    deadLetter(frame, why);
    return 1;
  }

  /** Forces the frame to the dead-letter file (under the lock), then logs and counts it. */
  private void deadLetter(byte[] frame, Throwable why) throws IOException {
    String id = writer.id().apply(frame);
    DeadLetter letter = DeadLetter.of(what, clock.instant(), id, why, frame);
    dead.append(letter.encode());
    deadLetters.incrementAndGet();
    deadLettered.incrementAndGet();
    LOG.log(
        Level.SEVERE,
        String.format(
            Locale.ROOT,
            "%s spool: the database refused frame %s for good (SQLSTATE %s: %s); kept in %s"
                + " (inspect: nyx spool dead-letters); the frames behind it go on",
            what,
            id,
            letter.sqlState().isEmpty() ? "none" : letter.sqlState(),
            // The first line only: PostgreSQL's "Detail: Failing row contains (...)" line would put
            // the query and answer in the log; the dead letter keeps the whole message.
            letter.error().lines().findFirst().orElse(""),
            dead.path()));
  }

  private void loop() {
    while (running) {
      replayNow();
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Counts the frames a previous run left and cuts a tail torn by a crash. */
  private int recover() {
    try {
      SpoolFile.Contents c = file.readAll();
      file.truncateTo(c.validLength());
      return c.frames().size();
    } catch (IOException e) {
      throw new StoreException(what + " spool recovery " + file.path(), e);
    }
  }

  /** Counts the dead letters kept so far, cutting a tail torn by a crash like the spool's. */
  private long countDead() {
    try {
      SpoolFile.Contents c = dead.readAll();
      dead.truncateTo(c.validLength());
      return c.frames().size();
    } catch (IOException e) {
      throw new StoreException(what + " dead-letter recovery " + dead.path(), e);
    }
  }

  /** Stops the replayer after one last attempt; what is left waits for the next start. */
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
