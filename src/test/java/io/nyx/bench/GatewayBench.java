package io.nyx.bench;

import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Nyx's cost as a gateway, always against the model server called directly in the same run: the
 * same OpenAI chat request sent to the fake vLLM ({@code model: kairos}) and through Nyx's {@code
 * POST /v1/chat/completions} ({@code model: nyx/kairos}, the specialist named, or {@code model:
 * nyx}, semantic routing). Every figure is reported for both sides, then as the difference (Nyx's
 * overhead) and the ratio. Nyx runs on its default configuration (embedded PostgreSQL with durable
 * commits, in-process MiniLM) in this JVM, as the fake and the load generator do.
 *
 * <p>Scenarios ({@code scripts/bench-gateway [scenario] [key=value ...]}):
 *
 * <ul>
 *   <li>{@code latency}: closed loop, {@code clients} clients each alternating one direct and one
 *       Nyx request, so both sides see the same host load (a shared machine's noise hits both);
 *       with {@code path=routed} each client also times the in-process embedding of a distinct
 *       query of the same shape (MiniLM's own single-query time, the routing target's anchor);
 *   <li>{@code open}: open loop, {@code rate} requests/s offered with Poisson arrivals for {@code
 *       seconds}, direct and Nyx in alternating rounds; latency counts from the scheduled send
 *       time, so a stall is charged to every request it delays (no coordinated omission);
 *   <li>{@code throughput}: closed loop, {@code clients} clients, {@code n} requests per side in
 *       alternating rounds; requests/s, errors;
 *   <li>{@code stream}: one client alternating streamed requests; time to the first content token
 *       (the role chunk Nyx sends once routing is done is not counted);
 *   <li>{@code suite} (the default): the issue #21 set, each of the above with its targets'
 *       settings.
 * </ul>
 *
 * <p>Keys: {@code path=named|routed} (named), {@code queries=unique|repeat} (unique: every query
 * distinct, so Nyx embeds each one, as real traffic; repeat: five queries whose embeddings are
 * cached), {@code clients}, {@code n}, {@code rate}, {@code seconds}, {@code rounds}, {@code
 * delay_ms} (the fake's answer delay, default 0), {@code max_tokens} (16). The environment variable
 * {@code BENCH_CONFIG} names a Nyx config file to use instead of the defaults.
 */
public final class GatewayBench {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(Executors.newVirtualThreadPerTaskExecutor())
          .build();

  /** A request slower than this counts as an error (open loop: an overloaded side times out). */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static final List<String> QUERIES =
      List.of(
          "What did I tell you about my sister's wedding last spring?",
          "Is it true that we only use ten percent of our brains?",
          "I have a report due in two hours, what should I do first?",
          "How do I keep basil alive on a windowsill?",
          "What could happen if I quit my job to start a company?");

  private static final AtomicLong SERIAL = new AtomicLong();

  private final Map<String, String> opts;
  private final boolean unique;
  private final boolean routed;
  private final int maxTokens;
  private String nyxUrl = "";
  private String directUrl = "";

  private GatewayBench(Map<String, String> opts) {
    this.opts = opts;
    this.unique = !"repeat".equals(opts.getOrDefault("queries", "unique"));
    this.routed = "routed".equals(opts.getOrDefault("path", "named"));
    this.maxTokens = integer("max_tokens", 64);
  }

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 && !args[0].contains("=") ? args[0] : "suite";
    Map<String, String> opts = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq > 0) {
        opts.put(a.substring(0, eq), a.substring(eq + 1));
      }
    }
    Path dataDir = Files.createTempDirectory("nyx-gateway-bench");
    try (FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      vllm.recordRequests(false);
      vllm.delay(Duration.ofMillis(Integer.parseInt(opts.getOrDefault("delay_ms", "0"))));
      Map<String, String> flags =
          new HashMap<>(
              Map.of("port", "0", "llm-url", vllm.baseUrl(), "data-dir", dataDir.toString()));
      if (System.getenv("BENCH_CONFIG") != null) {
        flags.put("config", System.getenv("BENCH_CONFIG"));
      }
      try (Nyx nyx = Nyx.start(ConfigLoader.load(flags, Map.of()))) {
        System.out.printf(
            Locale.ROOT,
            "GatewayBench %s %s | %d cores, load average at start %s | Java %s%n",
            scenario,
            opts,
            Runtime.getRuntime().availableProcessors(),
            loadAverage(),
            Runtime.version());
        if (scenario.equals("suite")) {
          suite(vllm, nyx);
        } else {
          GatewayBench b = new GatewayBench(opts);
          b.bind(vllm, nyx);
          b.run(scenario);
        }
      }
    } finally {
      CLIENT.shutdownNow();
    }
  }

  /** The issue #21 targets, one after another, each with its settings. */
  private static void suite(FakeVllm vllm, Nyx nyx) throws Exception {
    String[][] runs = {
      {"latency", "path=named", "clients=1", "n=2000"},
      {"latency", "path=named", "clients=1", "n=2000", "queries=repeat"},
      {"latency", "path=routed", "clients=1", "n=2000"},
      {"open", "path=named", "rate=1000", "seconds=5", "rounds=2", "queries=repeat"},
      {"open", "path=named", "rate=100", "seconds=5", "rounds=2"},
      {"throughput", "path=routed", "clients=48", "n=4000", "rounds=2"},
      {"stream", "path=named", "n=1000"},
    };
    for (String[] r : runs) {
      Map<String, String> o = new LinkedHashMap<>();
      for (int i = 1; i < r.length; i++) {
        String[] kv = r[i].split("=", 2);
        o.put(kv[0], kv[1]);
      }
      System.out.println();
      System.out.println("== " + String.join(" ", r));
      GatewayBench b = new GatewayBench(o);
      b.bind(vllm, nyx);
      b.run(r[0]);
    }
  }

  private void bind(FakeVllm vllm, Nyx nyx) {
    this.nyxUrl = "http://127.0.0.1:" + nyx.port() + "/v1/chat/completions";
    this.directUrl = vllm.baseUrl() + "/chat/completions";
  }

  private void run(String scenario) throws Exception {
    switch (scenario) {
      case "latency" -> latency();
      case "open" -> open();
      case "throughput" -> throughput();
      case "stream" -> stream();
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }

  // ---- scenarios ----

  private void latency() throws Exception {
    int clients = integer("clients", 1);
    int n = integer("n", 2000);
    boolean embed = routed && !"false".equals(opts.get("embed"));
    MiniLmEmbedder embedder = embed ? new MiniLmEmbedder() : null;
    try {
      // Warm-up: the JIT compiles both paths before anything is counted.
      alternate(clients, Math.max(200, n / 5), embedder);
      Samples[] s = alternate(clients, n, embedder);
      report(s[0], s[1]);
      if (embedder != null) {
        s[2].print("embedding alone (MiniLM, in-process, same query shape)");
        System.out.printf(
            Locale.ROOT,
            "  routed overhead above the embedding: p50 %+.2f ms, p99 %+.2f ms%n",
            (s[1].pct(50) - s[0].pct(50)) - s[2].pct(50),
            (s[1].pct(99) - s[0].pct(99)) - s[2].pct(99));
      }
    } finally {
      if (embedder != null) {
        embedder.close();
      }
    }
  }

  /** {@code clients} clients, each sending direct, Nyx (and timing an embedding) in turn. */
  private Samples[] alternate(int clients, int n, MiniLmEmbedder embedder) throws Exception {
    Samples direct = new Samples("direct to the model server", n);
    Samples nyx = new Samples("through Nyx", n);
    Samples emb = new Samples("embedding", n);
    AtomicInteger next = new AtomicInteger();
    long t0 = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      List<Future<?>> fs = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    boolean nyxFirst = (i & 1) == 1;
                    if (nyxFirst) {
                      nyx.add(once(true, query(i), false));
                    }
                    direct.add(once(false, query(i), false));
                    if (!nyxFirst) {
                      nyx.add(once(true, query(i), false));
                    }
                    if (embedder != null) {
                      String q = query(i) + " (draft " + SERIAL.incrementAndGet() + ")";
                      long t = System.nanoTime();
                      embedder.embed(q);
                      emb.add((System.nanoTime() - t) / 1e6);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    direct.seconds = seconds;
    nyx.seconds = seconds;
    return new Samples[] {direct, nyx, emb};
  }

  private void throughput() throws Exception {
    int clients = integer("clients", 48);
    int n = integer("n", 6000);
    int rounds = integer("rounds", 2);
    block(false, clients, Math.max(500, n / 4), null);
    block(true, clients, Math.max(500, n / 4), null);
    Samples direct = new Samples("direct to the model server", n);
    Samples nyx = new Samples("through Nyx", n);
    for (int r = 0; r < rounds; r++) {
      block(false, clients, n / rounds, direct);
      block(true, clients, n / rounds, nyx);
    }
    report(direct, nyx);
    System.out.printf(
        Locale.ROOT,
        "  throughput: Nyx %.0f req/s, direct %.0f req/s (ratio %.3f); errors Nyx %d, direct %d%n",
        nyx.rate(),
        direct.rate(),
        nyx.rate() / direct.rate(),
        nyx.errors.get(),
        direct.errors.get());
  }

  private void block(boolean viaNyx, int clients, int n, Samples into) throws Exception {
    Samples s = into == null ? new Samples("warm-up", n) : into;
    AtomicInteger next = new AtomicInteger();
    long t0 = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      for (int c = 0; c < clients; c++) {
        pool.submit(
            () -> {
              for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                s.add(once(viaNyx, query(i), false));
              }
              return null;
            });
      }
    }
    s.seconds += (System.nanoTime() - t0) / 1e9;
  }

  private void open() throws Exception {
    int rate = integer("rate", 1000);
    int seconds = integer("seconds", 10);
    int rounds = integer("rounds", 2);
    openRound(false, rate, Math.max(2, seconds / 2), null);
    openRound(true, rate, Math.max(2, seconds / 2), null);
    Thread.sleep(2000);
    Samples direct = new Samples("direct to the model server", rate * seconds * rounds);
    Samples nyx = new Samples("through Nyx", rate * seconds * rounds);
    for (int r = 0; r < rounds; r++) {
      openRound(false, rate, seconds, direct);
      Thread.sleep(2000); // what an overloaded side still holds drains before the other's round
      openRound(true, rate, seconds, nyx);
      Thread.sleep(2000);
    }
    report(direct, nyx);
    System.out.printf(
        Locale.ROOT,
        "  offered %d req/s; served Nyx %.0f req/s, direct %.0f req/s; errors Nyx %d, direct %d%n",
        rate,
        nyx.rate(),
        direct.rate(),
        nyx.errors.get(),
        direct.errors.get());
  }

  /** Poisson arrivals at {@code rate}; each request on a virtual thread of its own. */
  private void openRound(boolean viaNyx, int rate, int seconds, Samples into)
      throws InterruptedException {
    int n = rate * seconds;
    Samples s = into == null ? new Samples("warm-up", n) : into;
    SplittableRandom random = new SplittableRandom(42);
    CountDownLatch done = new CountDownLatch(n);
    long t0 = System.nanoTime() + 1_000_000;
    double at = 0;
    for (int i = 0; i < n; i++) {
      at += -Math.log(1 - random.nextDouble()) / rate * 1e9;
      long due = t0 + (long) at;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int k = i;
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  double ms = once(viaNyx, query(k), false);
                  // From the scheduled send time: a late start is the system's delay too.
                  s.add(ms < 0 ? ms : (System.nanoTime() - due) / 1e6);
                } finally {
                  done.countDown();
                }
              });
    }
    done.await();
    s.seconds += (System.nanoTime() - t0) / 1e9;
  }

  private void stream() throws Exception {
    int n = integer("n", 1000);
    Samples direct = new Samples("direct to the model server, first token", n);
    Samples nyx = new Samples("through Nyx, first token", n);
    for (int i = 0; i < Math.max(200, n / 5); i++) {
      once(false, query(i), true);
      once(true, query(i), true);
    }
    for (int i = 0; i < n; i++) {
      if ((i & 1) == 0) {
        direct.add(once(false, query(i), true));
        nyx.add(once(true, query(i), true));
      } else {
        nyx.add(once(true, query(i), true));
        direct.add(once(false, query(i), true));
      }
    }
    report(direct, nyx);
  }

  // ---- requests ----

  private String query(int k) {
    String q = QUERIES.get(k % QUERIES.size());
    return unique ? q + " (ticket number " + SERIAL.incrementAndGet() + ")" : q;
  }

  private String body(boolean viaNyx, String query, boolean stream) {
    String model = viaNyx ? (routed ? "nyx" : "nyx/kairos") : "kairos";
    return "{\"model\":\""
        + model
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + query.replace("\"", "\\\"")
        + "\"}],\"max_tokens\":"
        + maxTokens
        + (stream ? ",\"stream\":true" : "")
        + "}";
  }

  /**
   * One request: milliseconds to the whole response, or (streamed) to the first content token; a
   * negative number for a failure.
   */
  private double once(boolean viaNyx, String query, boolean stream) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(viaNyx ? nyxUrl : directUrl))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body(viaNyx, query, stream)))
            .build();
    long t = System.nanoTime();
    try {
      if (!stream) {
        HttpResponse<byte[]> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofByteArray());
        return r.statusCode() == 200 ? (System.nanoTime() - t) / 1e6 : -1;
      }
      HttpResponse<InputStream> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        if (r.statusCode() != 200) {
          return -1;
        }
        double first = firstToken(in, t);
        in.transferTo(java.io.OutputStream.nullOutputStream());
        return first;
      }
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Milliseconds from {@code t} until an SSE event carrying non-empty content has arrived. */
  private static double firstToken(InputStream in, long t) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      if (b != '\n') {
        line.append((char) b);
        continue;
      }
      String l = line.toString();
      line.setLength(0);
      int at = l.indexOf("\"content\":\"");
      if (l.startsWith("data:") && at >= 0 && l.charAt(at + 11) != '"') {
        return (System.nanoTime() - t) / 1e6;
      }
    }
    return -1;
  }

  // ---- figures ----

  /** Latencies of one side; thread-safe appends. */
  static final class Samples {
    final String label;
    private double[] ms;
    private int size;
    final AtomicInteger errors = new AtomicInteger();
    double seconds;

    Samples(String label, int expected) {
      this.label = label;
      this.ms = new double[Math.max(16, expected)];
    }

    synchronized void add(double v) {
      if (v < 0) {
        errors.incrementAndGet();
        return;
      }
      if (size == ms.length) {
        ms = Arrays.copyOf(ms, size * 2);
      }
      ms[size++] = v;
    }

    synchronized double pct(double p) {
      if (size == 0) {
        return Double.NaN;
      }
      double[] sorted = Arrays.copyOf(ms, size);
      Arrays.sort(sorted);
      int i = (int) Math.ceil(p / 100.0 * size) - 1;
      return sorted[Math.max(0, Math.min(size - 1, i))];
    }

    synchronized int count() {
      return size;
    }

    double rate() {
      return seconds > 0 ? count() / seconds : Double.NaN;
    }

    void print(String as) {
      System.out.printf(
          Locale.ROOT,
          "  %-46s n=%-6d p50 %7.2f  p90 %7.2f  p99 %7.2f  p99.9 %7.2f  max %7.2f ms  errors %d%n",
          as,
          count(),
          pct(50),
          pct(90),
          pct(99),
          pct(99.9),
          pct(100),
          errors.get());
    }
  }

  private static void report(Samples direct, Samples nyx) {
    direct.print(direct.label);
    nyx.print(nyx.label);
    double[] ps = {50, 90, 99, 99.9};
    StringBuilder diff = new StringBuilder("  overhead (Nyx − direct):");
    StringBuilder ratio = new StringBuilder("  ratio (Nyx / direct):   ");
    for (double p : ps) {
      String name = p == 99.9 ? "p99.9" : "p" + (int) p;
      diff.append(String.format(Locale.ROOT, " %s %+.2f ms", name, nyx.pct(p) - direct.pct(p)));
      ratio.append(String.format(Locale.ROOT, " %s %.2f×", name, nyx.pct(p) / direct.pct(p)));
    }
    System.out.println(diff);
    System.out.println(ratio);
  }

  private int integer(String key, int dflt) {
    return Integer.parseInt(opts.getOrDefault(key, Integer.toString(dflt)));
  }

  private static String loadAverage() {
    try {
      String s = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII);
      return String.join(" ", Arrays.copyOf(s.split(" "), 3));
    } catch (IOException e) {
      return "?";
    }
  }
}
