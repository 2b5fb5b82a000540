package io.nyx.backend.openai;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request queue of each vLLM server Nyx calls, read from its Prometheus {@code /metrics}
 * (vllm-protocol.md §4: {@code vllm:num_requests_waiting}, one sample per engine, summed). Each
 * server is polled on its own virtual thread every {@code interval}, from the first time it is
 * asked about; a server whose {@code /metrics} does not answer reads -1 (unknown). Thread-safe.
 */
public final class VllmQueues implements AutoCloseable {
  private static final Pattern WAITING =
      Pattern.compile(
          "^vllm:num_requests_waiting(?:\\{[^}]*\\})?\\s+([0-9.eE+-]+)\\s*$", Pattern.MULTILINE);

  /** Failed reads in a row that keep the last good value. */
  static final int GRACE = 3;

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(VllmQueues.class.getName());

  private final Duration interval;
  private final Map<String, Integer> waiting = new ConcurrentHashMap<>();
  private final Map<String, Thread> pollers = new ConcurrentHashMap<>();
  private volatile boolean running = true;

  public VllmQueues(Duration interval) {
    this.interval = interval;
  }

  /** Requests waiting at the server behind {@code baseUrl} (…/v1), or -1 while unknown. */
  public int waiting(String baseUrl) {
    pollers.computeIfAbsent(
        baseUrl, url -> Thread.ofVirtual().name("nyx-vllm-queue").start(() -> poll(url)));
    return waiting.getOrDefault(baseUrl, -1);
  }

  /**
   * Reads until closed. A failed read keeps the last good value for {@link #GRACE} intervals: an
   * overloaded server is exactly the one whose {@code /metrics} may answer late, and shedding must
   * not lapse then. After that the value is unknown (never refused), with one warning.
   */
  private void poll(String baseUrl) {
    URI metrics = URI.create(root(baseUrl) + "/metrics");
    // Its own client, made only once the server is asked about (none while shedding is off).
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
      poll(baseUrl, metrics, http);
    }
  }

  private void poll(String baseUrl, URI metrics, HttpClient http) {
    int misses = 0;
    while (running) {
      int read;
      try {
        read = read(metrics, http);
      } catch (RuntimeException e) {
        read = -1; // a poller that died would freeze its last value
      }
      if (read >= 0) {
        waiting.put(baseUrl, read);
        misses = 0;
      } else if (++misses > GRACE) {
        if (waiting.put(baseUrl, -1) != null && misses == GRACE + 1) {
          LOG.warning("cannot read " + metrics + "; load shedding for it is off until it answers");
        }
      }
      try {
        Thread.sleep(interval);
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
    pollers.values().forEach(Thread::interrupt);
  }
}
