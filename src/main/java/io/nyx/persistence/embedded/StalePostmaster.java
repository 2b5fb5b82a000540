package io.nyx.persistence.embedded;

import io.nyx.persistence.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Deals with the {@code postmaster.pid} a killed previous run left behind, before pg_ctl start. The
 * caller holds {@code pg.lock}, so no live Nyx process owns this cluster. Three cases:
 *
 * <ul>
 *   <li>The pid is a live process whose working directory is the cluster: the postmaster of a JVM
 *       that was killed (pg_ctl daemonises it, so it outlives the JVM). It is stopped with SIGINT
 *       (fast shutdown: its clients died with that JVM) and removes its own pid file.
 *   <li>The pid is a live process elsewhere: the pid was reused (typical after a container
 *       restart). PostgreSQL would refuse to start ("Is another postmaster running?"), so the file
 *       is deleted.
 *   <li>The pid is gone: PostgreSQL removes the file itself and keeps its shared-memory interlock
 *       check, so the file is left alone.
 * </ul>
 *
 * A live process whose directory cannot be read is not guessed about: the start fails with advice.
 */
final class StalePostmaster {
  private static final long STOP_WAIT_SECONDS = 30;

  private StalePostmaster() {}

  static void clear(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    Optional<ProcessHandle> process = readPid(pidFile).flatMap(ProcessHandle::of);
    if (process.isEmpty() || !process.get().isAlive()) {
      return;
    }
    Optional<Path> cwd = workingDirectory(process.get().pid());
    if (cwd.isEmpty()) {
      throw unsure(pidFile, process.get().pid());
    }
    if (cwd.get().equals(realPath(dataDir))) {
      stop(process.get(), pidFile);
    } else {
      delete(pidFile);
    }
  }

  static Optional<Long> readPid(Path pidFile) {
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty(); // absent or torn: nothing to stop, PostgreSQL rewrites it
    }
  }

  private static Optional<Path> workingDirectory(long pid) {
    try {
      return Optional.of(Path.of("/proc", Long.toString(pid), "cwd").toRealPath());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Path realPath(Path dir) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      return dir.toAbsolutePath();
    }
  }

  private static void stop(ProcessHandle postmaster, Path pidFile) {
    signalFastShutdown(postmaster);
    try {
      postmaster.onExit().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("stop of orphaned postmaster " + postmaster.pid(), e);
    } catch (Exception e) {
      throw unsure(pidFile, postmaster.pid());
    }
  }

  private static void signalFastShutdown(ProcessHandle postmaster) {
    try {
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid())).start();
      if (kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0) {
        return;
      }
    } catch (IOException e) {
      // no kill binary: fall back to SIGTERM below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("stop of orphaned postmaster " + postmaster.pid(), e);
    }
    postmaster.destroy(); // SIGTERM: smart shutdown, slower but still clean
  }

  private static void delete(Path pidFile) {
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new StoreException("removal of stale " + pidFile, e);
    }
  }

  private static StoreException unsure(Path pidFile, long pid) {
    return new StoreException(
        "start of embedded PostgreSQL",
        new IllegalStateException(
            pidFile
                + " names live process "
                + pid
                + " that could not be identified or stopped; if it is not PostgreSQL"
                + " using this directory, stop it or delete the file"));
  }
}
