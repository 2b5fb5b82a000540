package io.nyx.persistence;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link SpoolFile} of writes the database could not take, with a thread that replays them in
 * order once the database is back and {@code ready} says so (later spools wait for the request
 * rows' spool: their writes may refer to a row still in it). A replay that fails part-way starts
 * again from the head, so each frame's write must be idempotent. Thread-safe.
 */
final class ReplaySpool implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ReplaySpool.class.getName());

  /**
   * Writes the frames, in order, to the database; throws {@link StoreException} while it is away.
   */
  interface Replay {
    void apply(List<byte[]> frames) throws IOException;

    /** A replay that writes one frame at a time. */
    static Replay each(Frame one) {
      return frames -> {
        for (byte[] f : frames) {
          one.apply(f);
        }
      };
    }
  }

  /** Writes one frame to the database. */
  interface Frame {
    void apply(byte[] frame) throws IOException;
  }

  private final SpoolFile file;
  private final String what;
  private final BooleanSupplier ready;
  private final Replay replay;
  private final Duration interval;
  private final Object lock = new Object();
  private final Thread replayer;
  private volatile boolean running = true;
  private volatile int pending; // written under lock

  ReplaySpool(Path file, String what, BooleanSupplier ready, Replay replay, Duration interval) {
    this.file = new SpoolFile(file);
    this.what = what;
    this.ready = ready;
    this.replay = replay;
    this.interval = interval;
    synchronized (lock) {
      pending = recover();
    }
    this.replayer = Thread.ofVirtual().name("nyx-replay-" + what).start(this::loop);
  }

  int pending() {
    return pending;
  }

  /**
   * Writes through {@code direct} while nothing waits in the spool; otherwise, or when the database
   * fails, forces {@code frame} to disk behind the frames already waiting. A caller that finds the
   * spool just drained (it waited on the lock while the replay ran) writes directly again, so the
   * spool empties under steady load instead of taking every later write too.
   *
   * @return the direct result, or empty when the write was spooled
   */
  <T> Optional<T> write(Supplier<T> direct, Supplier<byte[]> frame) {
    if (pending == 0) {
      Optional<T> done = tryDirect(direct);
      if (done.isPresent()) {
        return done;
      }
    }
    synchronized (lock) {
      if (pending == 0) {
        Optional<T> done = tryDirect(direct);
        if (done.isPresent()) {
          return done;
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

  private <T> Optional<T> tryDirect(Supplier<T> direct) {
    try {
      return Optional.of(direct.get());
    } catch (StoreException e) {
      LOG.log(Level.WARNING, "database unavailable, spooling " + what + ": " + e.getMessage());
      return Optional.empty();
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
        replay.apply(frames);
        file.delete();
        pending = 0;
        LOG.info("replayed " + frames.size() + " spooled " + what + " write(s)");
        return true;
      } catch (StoreException e) {
        return false; // still away; the next pass starts from the head again
      } catch (IOException e) {
        LOG.log(Level.SEVERE, "cannot read " + what + " spool " + file.path(), e);
        return false;
      }
    }
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
