package io.nyx.backend.openai;

import io.nyx.resilience.Backpressure;
import io.nyx.resilience.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request queue of each vLLM server Nyx calls, read from its Prometheus {@code /metrics}
 * ({@code vllm:num_requests_waiting}, one sample per engine, summed; docs/operations.md). Each
 * server is polled on its own virtual thread every {@code interval}, from the first time it is
 * asked about; a server whose {@code /metrics} does not answer reads -1 (unknown).
 *
 * <p>Between two reads the last one ages: under a burst, requests sent in those 500 ms all join a
 * queue the reading has not seen yet (an open-loop run at 1,000 req/s took a fake server with a
 * limit of 128 to 393 waiting). So while the last reading shows a queue, the calls Nyx has sent to
 * that server since, less those that came back, are added to it: with every batch slot taken, each
 * call sent waits, and each one that comes back frees a slot for a waiting one. An empty queue is
 * not extrapolated (calls then start at once, not wait). Thread-safe.
 *
 * <p>The pollers wait between reads through the given {@link Sleeper}, so a test decides when the
 * next read happens instead of relying on wall time.
 */
public final class VllmQueues implements AutoCloseable, Backpressure.Queues {
  private static final Pattern WAITING =
      Pattern.compile(
          "^vllm:num_requests_waiting(?:\\{[^}]*\\})?\\s+([0-9.eE+-]+)\\s*$", Pattern.MULTILINE);

  /** Failed reads in a row that keep the last good value. */
  static final int GRACE = 3;

  /** How soon a failed read is tried again, at most (a long interval need not wait it out). */
  static final Duration RETRY = Duration.ofSeconds(1);

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(VllmQueues.class.getName());

  /**
   * A reading and how many calls Nyx had sent to and got back from the server when the read was
   * sent: a call sent during the read's round trip may count twice, never not at all (the safe side
   * for shedding).
   */
  private record Reading(int waiting, long sent, long answered) {}

  /**
   * Calls sent and answered so far, answered read first: an answer never counts without its call.
   */
  private record Counts(long sent, long answered) {}

  /** One polled server (all URLs of one server root share it), with the thread that reads it. */
  private static final class Server {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    volatile Reading last = new Reading(-1, 0, 0);
    final Thread poller;

    /** {@code poll} reads into this server on the poller, once the caller starts it. */
    Server(Consumer<Server> poll) {
      poller = Thread.ofVirtual().name("nyx-vllm-queue").unstarted(() -> poll.accept(this));
    }

    Counts counts() {
      long a = answered.get();
      return new Counts(sent.get(), a);
    }
  }

  private final Duration interval;
  private final Sleeper sleeper;
  private final Map<String, Server> servers = new ConcurrentHashMap<>();
  private volatile boolean running = true;

  /** Reads every {@code interval} of wall time. */
  public VllmQueues(Duration interval) {
    this(interval, Sleeper.REAL);
  }

  /** Reads, then waits {@code interval} (or {@link #RETRY} after a miss) with {@code sleeper}. */
  public VllmQueues(Duration interval, Sleeper sleeper) {
    this.interval = interval;
    this.sleeper = sleeper;
  }

  /**
   * Requests waiting at the server behind {@code baseUrl} (…/v1): the last reading plus the calls
   * sent there since, less those back; -1 while unknown.
   */
  @Override
  public int waiting(String baseUrl) {
    Server s = server(baseUrl);
    Reading r = s.last;
    if (r.waiting() <= 0) {
      return r.waiting();
    }
    Counts now = s.counts();
    long since = (now.sent() - r.sent()) - (now.answered() - r.answered());
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, r.waiting() + since));
  }

  @Override
  public void sent(String baseUrl) {
    server(baseUrl).sent.incrementAndGet();
  }

  @Override
  public void answered(String baseUrl) {
    server(baseUrl).answered.incrementAndGet();
  }

  /** The server's state; its poller starts the first time it is asked about. */
  private Server server(String baseUrl) {
    return servers.computeIfAbsent(
        root(baseUrl),
        url -> {
          Server s = new Server(server -> poll(url, server));
          s.poller.start();
          return s;
        });
  }

  /**
   * Reads until closed. A failed read keeps the last good value for {@link #GRACE} intervals: an
   * overloaded server is exactly the one whose {@code /metrics} may answer late, and shedding must
   * not lapse then. After that the value is unknown (never refused), with one warning.
   */
  private void poll(String root, Server server) {
    URI metrics = URI.create(root + "/metrics");
    // Its own client, made only once the server is asked about (none while shedding is off).
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
      poll(server, metrics, http);
    }
  }

  private void poll(Server server, URI metrics, HttpClient http) {
    int misses = 0;
    while (running) {
      int read;
      Counts before = server.counts();
      try {
        read = read(metrics, http);
      } catch (RuntimeException e) {
        read = -1; // a poller that died would freeze its last value
      }
      if (read >= 0) {
        server.last = new Reading(read, before.sent(), before.answered());
        misses = 0;
      } else if (++misses > GRACE) {
        boolean wasKnown = server.last.waiting() >= 0;
        server.last = new Reading(-1, before.sent(), before.answered());
        if (wasKnown && misses == GRACE + 1) {
          LOG.warning("cannot read " + metrics + "; load shedding for it is off until it answers");
        }
      }
      try {
        sleeper.sleep(read >= 0 || interval.compareTo(RETRY) < 0 ? interval : RETRY);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static int read(URI metrics, HttpClient http) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(2)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? parse(r.body()) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The server root: vLLM serves {@code /metrics} beside {@code /v1}, not under it. */
  static String root(String baseUrl) {
    String u = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return u.endsWith("/v1") ? u.substring(0, u.length() - 3) : u;
  }

  /** The sum of {@code vllm:num_requests_waiting} samples, or -1 when there is none. */
  static int parse(String prometheusText) {
    Matcher m = WAITING.matcher(prometheusText);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      try {
        sum += Double.parseDouble(m.group(1));
        found = true;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return found ? (int) Math.round(sum) : -1;
  }

  @Override
  public void close() {
    running = false;
    servers.values().forEach(s -> s.poller.interrupt());
  }
}
