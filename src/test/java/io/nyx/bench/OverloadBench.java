package io.nyx.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.persistence.Database;
import io.nyx.persistence.embedded.EmbeddedPostgresServer;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Open-loop overload: requests leave at a fixed rate whatever Nyx's pace (a closed-loop generator
 * slows down with the server and never overloads it), every query distinct, so each one pays for
 * embedding its query and its answer. Offered more than it can serve, Nyx should serve what its
 * cores allow, refuse the rest at once (503 + {@code Retry-After} from the in-flight bound {@code
 * server.max_concurrent}) and fail nothing else; every answered request must be a row.
 *
 * <p>Run with {@code scripts/bench-overload [rate=1000] [seconds=30] [max_concurrent=512]
 * [backend_delay_ms=20] [vllm_slots=0]}; {@code vllm_slots} > 0 gives the fake that many batch
 * slots (vLLM's {@code --max-num-seqs}), the rest waiting and counted on its {@code /metrics},
 * where Nyx's {@code llm.max_waiting} reads them. It also prints, from the rows, how much of an
 * answered request's time inside Nyx was the model call: in this one-box harness the fake vLLM
 * shares the cores, and under overload the queue forms there. PostgreSQL is a separate embedded
 * server so the rows can be counted after Nyx stops.
 */
public final class OverloadBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** What one request came back with; status -1 = no response (I/O error or client timeout). */
  record Outcome(int status, double ms, boolean retryAfter, String reason) {}

  private OverloadBench() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int maxConcurrent = args.length > 2 ? Integer.parseInt(args[2]) : 512;
    int delayMs = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    int slots = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    Path pgDir = Files.createTempDirectory("nyx-overload-pg");
    Path dataDir = Files.createTempDirectory("nyx-overload");
    Path yaml = dataDir.resolve("overload.yaml");
    Files.writeString(yaml, "server:\n  max_concurrent: " + maxConcurrent + "\n");
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(pgDir);
        FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      vllm.delay(Duration.ofMillis(delayMs));
      if (slots > 0) {
        vllm.maxRunning(slots);
      }
      var config =
          ConfigLoader.load(
              Map.of(
                  "port", "0",
                  "llm-url", vllm.baseUrl(),
                  "data-dir", dataDir.toString(),
                  "config", yaml.toString()),
              Map.of());
      try (Nyx nyx =
          Nyx.start(
              config,
              Database.external(
                  pg.jdbcUrl("postgres"),
                  EmbeddedPostgresServer.SUPERUSER,
                  pg.superuserPassword()))) {
        String url = "http://127.0.0.1:" + nyx.port() + "/infer";
        List<Outcome> warm = offer(url, rate / 4, 5, "warm-up", acknowledged);
        System.out.printf("warm-up: %d requests at %d/s%n", warm.size(), rate / 4);
        long t0 = System.nanoTime();
        java.time.Instant runStart = java.time.Instant.now();
        List<Outcome> run = offer(url, rate, seconds, "run", acknowledged);
        report(run, rate, seconds, (System.nanoTime() - t0) / 1e9, maxConcurrent);
        countRows(pg, acknowledged, runStart);
      }
    }
  }

  /** Sends {@code rate} requests a second for {@code seconds}, each on its own virtual thread. */
  static List<Outcome> offer(
      String url, int rate, int seconds, String tag, Set<String> acknowledged)
      throws InterruptedException {
    return offer(
        rate,
        seconds,
        i ->
            send(
                infer(
                    url,
                    "{\"query\":\""
                        + tag
                        + " request "
                        + i
                        + ": what should I pack for a week of hiking in October?\",\"max_tokens\":64}"),
                acknowledged));
  }

  /**
   * Open loop: request {@code i} (0, 1, ...) leaves at {@code i / rate} seconds on a virtual thread
   * of its own, whatever the pace of the answers; returns every outcome once all are in.
   */
  static List<Outcome> offer(int rate, int seconds, IntFunction<Outcome> request)
      throws InterruptedException {
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>(rate * seconds);
    long start = System.nanoTime();
    long period = 1_000_000_000L / rate;
    for (int i = 0; i < rate * seconds; i++) {
      long wait = start + i * period - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int n = i;
      threads.add(Thread.ofVirtual().start(() -> outcomes.add(request.apply(n))));
    }
    for (Thread t : threads) {
      t.join();
    }
    return List.copyOf(outcomes);
  }

  /** A JSON {@code POST} to {@code url} with a 30 s deadline. */
  static HttpRequest infer(String url, String json) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  /** Sends {@code req}; the {@code id} of a 200 answer goes into {@code acknowledged}. */
  static Outcome send(HttpRequest req, Set<String> acknowledged) {
    return send(req, answer -> acknowledged.add(answer.get("id").asText()));
  }

  /** Sends {@code req}; a 200 answer's JSON body goes to {@code onAnswer}. */
  static Outcome send(HttpRequest req, Consumer<JsonNode> onAnswer) {
    long t = System.nanoTime();
    try {
      HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
      double ms = (System.nanoTime() - t) / 1e6;
      if (r.statusCode() == 200) {
        onAnswer.accept(JSON.readTree(r.body()));
      }
      String reason = r.statusCode() == 200 ? "" : message(r.body());
      return new Outcome(
          r.statusCode(),
          ms,
          r.headers().firstValue("Retry-After").isPresent(),
          reason.contains("in flight") ? "in-flight bound" : reason);
    } catch (IOException e) {
      return new Outcome(-1, (System.nanoTime() - t) / 1e6, false, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(-1, (System.nanoTime() - t) / 1e6, false, "interrupted");
    }
  }

  /** The error message of a refusal, or the raw body when it is not Nyx's JSON error. */
  private static String message(String body) {
    try {
      return JSON.readTree(body).path("error").path("message").asText(body);
    } catch (IOException e) {
      return body;
    }
  }

  static void report(List<Outcome> run, int rate, int seconds, double elapsed, int maxConcurrent) {
    Map<Integer, LongAdder> statuses = new ConcurrentSkipListMap<>();
    run.forEach(o -> statuses.computeIfAbsent(o.status(), k -> new LongAdder()).increment());
    double[] served = latencies(run, 200);
    double[] refused = latencies(run, 503);
    long refusedWithoutRetryAfter =
        run.stream().filter(o -> o.status() == 503 && !o.retryAfter()).count();
    System.out.printf(
        "offered %d/s for %d s (max_concurrent %d), all answered after %.1f s: statuses %s%n",
        rate, seconds, maxConcurrent, elapsed, statuses);
    System.out.printf(
        "served %d (%.0f/s) p50 %.1f ms p90 %.1f ms p99 %.1f ms%n",
        served.length, served.length / elapsed, pct(served, 50), pct(served, 90), pct(served, 99));
    System.out.printf(
        "refused %d (503; %d without Retry-After) p50 %.2f ms p99 %.2f ms%n",
        refused.length, refusedWithoutRetryAfter, pct(refused, 50), pct(refused, 99));
    Map<String, Long> reasons = new java.util.TreeMap<>();
    run.stream()
        .filter(o -> o.status() != 200)
        .forEach(o -> reasons.merge(o.reason(), 1L, Long::sum));
    System.out.printf("refusals and errors by reason: %s%n", reasons);
    System.out.printf("other outcomes (errors): %d%n", run.size() - served.length - refused.length);
  }

  private static double[] latencies(List<Outcome> run, int status) {
    double[] ms = run.stream().filter(o -> o.status() == status).mapToDouble(Outcome::ms).toArray();
    Arrays.sort(ms);
    return ms;
  }

  private static double pct(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** Rows of every acknowledged answer; latencies inside Nyx of the run's answered rows. */
  private static void countRows(
      EmbeddedPostgresServer pg, Set<String> acknowledged, java.time.Instant runStart)
      throws Exception {
    Recorded.print(pg, acknowledged, "answered (warm-up and run)");
    try (Connection c = pg.connect("postgres");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY latency_ms),"
                    + " percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY backend_latency_ms)"
                    + " FROM nyx_synthetic_specialist_queries"
                    + " WHERE status = 'ok' AND created_at >= ?")) {
      ps.setObject(1, java.time.OffsetDateTime.ofInstant(runStart, java.time.ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        System.out.printf(
            "inside Nyx (row latency_ms) p50/p99 %s, of it the model call %s%n",
            java.util.Arrays.toString((Object[]) rs.getArray(1).getArray()),
            java.util.Arrays.toString((Object[]) rs.getArray(2).getArray()));
      }
    }
  }
}
