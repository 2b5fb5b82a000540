package io.nyx.bench;

import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Load generator: Nyx's overhead over the model call, measured against a baseline in the same run.
 * The fake vLLM answers after a fixed delay; the baseline sends the same chat request straight to
 * it, and the Nyx run sends {@code POST /infer} (route + context + call + score + reward + two
 * PostgreSQL writes). Overhead = Nyx latency − direct latency, per percentile. Also reports the
 * server start time (embedded PostgreSQL on a fresh data dir, embeddings loaded, port open).
 *
 * <p>Run with {@code scripts/bench-overhead [requests] [concurrency] [backendDelayMs]
 * [unique|long]}. By default five queries repeat, so their embeddings (and those of the fake's
 * echoing answers) come from the embedding cache; {@code unique} makes every query different, so
 * each request pays for embedding its query and its answer, as distinct real traffic would; {@code
 * long} makes them distinct and about 110 word pieces long. A fifth argument {@code remote} sets
 * {@code embedding.provider: openai} against the fake's {@code /v1/embeddings} (384 dimensions),
 * the deployment where an embedding model is served next to the LLM: Nyx's own work without MiniLM
 * on its cores. Otherwise the environment variable {@code BENCH_CONFIG}, when set, names a config
 * file for the Nyx under test (to compare settings in the same conditions).
 */
public final class OverheadBench {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<String> QUERIES =
      List.of(
          "What did I tell you about my sister's wedding last spring?",
          "Is it true that we only use ten percent of our brains?",
          "I have a report due in two hours, what should I do first?",
          "I feel really overwhelmed and alone lately",
          "What could happen if I quit my job to start a company?");

  private static boolean unique;
  private static boolean longQueries;

  /** About 90 word pieces of background, for {@code long}: a lone query then spans two cores. */
  private static final String BACKGROUND =
      " For context: I have been going back and forth on this for a few weeks now, I have asked"
          + " two friends and my manager, I have read a couple of articles that said opposite"
          + " things, and I keep changing my mind every evening, so I would really like a calm,"
          + " structured answer that weighs the options and tells me what to do first tomorrow.";

  private static final java.util.concurrent.atomic.AtomicLong SERIAL =
      new java.util.concurrent.atomic.AtomicLong();

  private OverheadBench() {}

  /** One of five questions; with {@code unique}, made distinct by a serial number in words. */
  private static String query(int k) {
    String q = QUERIES.get(k % QUERIES.size());
    String distinct = unique ? q + " (ticket number " + SERIAL.incrementAndGet() + ")" : q;
    return longQueries ? distinct + BACKGROUND : distinct;
  }

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int delayMs = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    longQueries = args.length > 3 && "long".equals(args[3]);
    unique = longQueries || (args.length > 3 && "unique".equals(args[3]));
    boolean remote = args.length > 4 && "remote".equals(args[4]);
    Path dataDir = Files.createTempDirectory("nyx-bench");
    try (FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      vllm.delay(Duration.ofMillis(delayMs));
      Map<String, String> flags =
          new java.util.HashMap<>(
              Map.of("port", "0", "llm-url", vllm.baseUrl(), "data-dir", dataDir.toString()));
      if (remote) {
        vllm.embeddingDimension(384);
        Path yaml = dataDir.resolve("remote-embeddings.yaml");
        Files.writeString(
            yaml,
            "embedding:\n  provider: openai\n  url: "
                + vllm.baseUrl()
                + "\n  model: "
                + FakeVllm.EMBEDDING_MODEL
                + "\n");
        flags.put("config", yaml.toString());
      } else if (System.getenv("BENCH_CONFIG") != null) {
        flags.put("config", System.getenv("BENCH_CONFIG"));
      }
      long t0 = System.nanoTime();
      try (Nyx nyx = Nyx.start(ConfigLoader.load(flags, Map.of()))) {
        double startMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf("server start (fresh data dir): %.0f ms%n", startMs);
        String nyxUrl = "http://127.0.0.1:" + nyx.port() + "/infer";
        String direct = vllm.baseUrl() + "/chat/completions";
        run("warm-up direct", direct, true, requests / 4, concurrency);
        run("warm-up nyx", nyxUrl, false, requests / 4, concurrency);
        double[] base = run("direct to fake vLLM", direct, true, requests, concurrency);
        double[] full = run("through Nyx /infer", nyxUrl, false, requests, concurrency);
        System.out.printf(
            "overhead (Nyx - direct): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms%n",
            pct(full, 50) - pct(base, 50),
            pct(full, 90) - pct(base, 90),
            pct(full, 99) - pct(base, 99));
      }
    }
  }

  private static double[] run(String label, String url, boolean direct, int n, int concurrency)
      throws Exception {
    double[] ms = new double[n];
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        futures.add(pool.submit(() -> ms[k] = once(url, body(direct, query(k)))));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(ms);
    System.out.printf(
        "%-22s n=%d c=%d  %.0f req/s  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms%n",
        label, n, concurrency, n / seconds, pct(ms, 50), pct(ms, 90), pct(ms, 99));
    return ms;
  }

  private static String body(boolean direct, String q) {
    String text = q.replace("\"", "\\\"");
    if (!direct) {
      return "{\"query\":\"" + text + "\",\"max_tokens\":64}";
    }
    return "{\"model\":\"mnemosyne\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a"
        + " specialist.\"},{\"role\":\"user\",\"content\":\""
        + text
        + "\"}],\"temperature\":0.3,"
        + "\"top_p\":0.95,\"max_tokens\":64,\"logprobs\":true}";
  }

  private static double once(String url, String body) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    long t = System.nanoTime();
    try {
      HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " -> " + r.statusCode() + " " + r.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return (System.nanoTime() - t) / 1e6;
  }

  private static double pct(double[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
