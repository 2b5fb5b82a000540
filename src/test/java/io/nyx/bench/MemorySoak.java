package io.nyx.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.persistence.embedded.EmbeddedPostgresServer;
import io.nyx.persistence.embedded.RunningPostgres;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory soak of {@code nyx serve} as deployed ({@link NyxServe}: the jar in its own process, the
 * launcher's JVM flags and default heap, default configuration: embedded PostgreSQL, in-process
 * MiniLM, Lucene HNSW memory index) against the fake vLLM (chat answers after 20 ms):
 *
 * <ol>
 *   <li>fills {@code memories} distinct texts through {@code POST /memory} (lists of {@value
 *       #BATCH}, embedded by the server), timed;
 *   <li>offers {@code rate} requests a second for {@code minutes}, open loop: distinct questions
 *       named to Mnemosyne (every one recalls memories) and, one in {@code writeEvery}, a new
 *       memory stored, so the index keeps changing;
 *   <li>samples every {@value #SAMPLE_SECONDS} s, from the start of the fill: Nyx's RSS ({@code
 *       /proc}: VmRSS, RssAnon, RssFile), its PostgreSQL's (postmaster and backends: summed RSS and
 *       PSS), heap used and committed, non-heap, direct and mapped buffers ({@code /metrics}), and
 *       heap after the last GC (the server's GC log, {@code -Xlog:gc}); NMT summaries at the start
 *       and end of the load ({@code -XX:NativeMemoryTracking=summary}, {@code jcmd}).
 * </ol>
 *
 * <p>Writes {@code target/soak-memory/soak-<time>.csv} and prints min/median/max of RSS and
 * least-squares slopes per 10 minutes over the steady part (the load after its first {@value
 * #WARM_SECONDS} s), and checks that every answered question is a row and every stored memory one.
 * Run with {@code scripts/soak-memory [minutes=30] [memories=100000] [rate=40] [writeEvery=10]}.
 */
final class MemorySoak {
  static final int BATCH = 500;
  static final int SAMPLE_SECONDS = 30;
  static final int WARM_SECONDS = 300;
  private static final Path OUT = Path.of("target/soak-memory");
  private static final Pattern GC_AFTER = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String[] PEOPLE = {
    "my sister Ana", "my brother Tomas", "my neighbour Ruth", "my colleague Jonas", "my dad",
    "my mum", "my friend Priya", "my landlord Mr Novak", "my partner Sam", "my boss Elena",
    "my cousin Marek", "my dentist", "my old teacher Mrs Hale", "my friend Kofi", "my niece Lily",
    "the plumber", "my flatmate Oskar", "my coach Dana", "my grandmother", "my friend Mei"
  };
  private static final String[] DID = {
    "went hiking", "argued about money", "planned a birthday dinner", "talked about moving",
    "fixed the bike", "cooked a curry", "watched a documentary", "painted the kitchen",
    "visited the hospital", "went to a concert", "planted tomatoes", "discussed a new job",
    "went swimming", "read the same novel", "fought over the car", "started running together",
    "booked a trip", "cleaned the attic", "learned to bake bread", "went to a wedding",
    "talked about my migraines", "played chess", "went fishing", "shared startup ideas",
    "walked the dog"
  };
  private static final String[] WHERE = {
    "at the lake",
    "in Prague",
    "at home",
    "near the old mill",
    "at the office",
    "in the park",
    "at the beach",
    "in the mountains",
    "at her flat",
    "at the cafe on Main Street",
    "in the garden",
    "at the gym",
    "in Vienna",
    "at the market",
    "at the train station",
    "by the river",
    "in the village",
    "at the library",
    "at the stadium",
    "at the hospital"
  };
  private static final String[] WHEN = {
    "in January",
    "in February",
    "in March",
    "in April",
    "in May",
    "in June",
    "in July",
    "in August",
    "in September",
    "in October",
    "in November",
    "in December"
  };
  private static final String[] FELT = {
    "and I felt relieved afterwards", "and it left me tired", "and we laughed a lot",
    "but it ended in an argument", "and I want to do it again", "and I was anxious the whole time",
    "and it cost more than planned", "and I forgot my keys there"
  };

  private MemorySoak() {}

  /** Memory {@code i}: distinct for every i (its number is in it), a plausible sentence. */
  static String memory(long i) {
    int a = (int) (i % PEOPLE.length);
    long r = i / PEOPLE.length;
    int b = (int) (r % DID.length);
    r /= DID.length;
    int c = (int) (r % WHERE.length);
    r /= WHERE.length;
    return String.format(
        "%s, %s and I %s %s, %s (note %d).",
        capital(WHEN[(int) (r % WHEN.length)]),
        PEOPLE[a],
        DID[b],
        WHERE[c],
        FELT[(int) ((i * 7) % FELT.length)],
        i);
  }

  /** Question {@code i}: distinct, about one person and one activity of the memories. */
  static String question(long i) {
    long h = i * 2_654_435_761L & 0x7fffffffL; // spread over the combinations
    return String.format(
        "What do you remember about when %s and I %s? (question %d)",
        PEOPLE[(int) (h % PEOPLE.length)], DID[(int) (h / PEOPLE.length % DID.length)], i);
  }

  private static String capital(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  public static void main(String[] args) throws Exception {
    int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int memories = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 40;
    int writeEvery = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    Files.createDirectories(OUT);
    Path work = OUT.resolve("work").toAbsolutePath();
    TestDatabase.deleteRecursively(work);
    Files.createDirectories(work);
    Path csv =
        OUT.resolve(
            "soak-" + Instant.now().toString().replace(":", "").replaceAll("\\.\\d+", "") + ".csv");
    try (FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      vllm.delay(Duration.ofMillis(20)).recordRequests(false);
      int port = NyxServe.freePort();
      Process nyx =
          NyxServe.start(
              work,
              port,
              vllm.baseUrl(),
              List.of(
                  "-XX:NativeMemoryTracking=summary",
                  "-Xlog:gc:file=" + work.resolve("gc.log") + ":uptime"),
              List.of(),
              Map.of());
      try {
        NyxServe.awaitReady(port, nyx, 120);
        String base = "http://127.0.0.1:" + port;
        System.out.printf(
            "nyx serve pid %d (default configuration, JVM %s), %d memories, then %d min at %d"
                + " req/s (1 in %d a memory write); load %s; CSV %s%n",
            nyx.pid(),
            String.join(" ", nyx.info().arguments().orElse(new String[0]))
                .replaceAll(" -jar .*", ""),
            memories,
            minutes,
            rate,
            writeEvery,
            loadAverage(),
            csv);
        Sampler sampler = new Sampler(nyx.pid(), base, work, csv);
        ScheduledExecutorService every = Executors.newSingleThreadScheduledExecutor();
        every.scheduleAtFixedRate(sampler::sample, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);
        fill(base, memories);
        waitForIndex(base);
        Path nmtStart = nmt(nyx.pid(), work, "start", "summary");
        jcmd(nyx.pid(), "VM.native_memory", "baseline");
        System.out.printf("load starts: load average %s%n", loadAverage());
        sampler.loadStarts();
        Set<String> answered = ConcurrentHashMap.newKeySet();
        Set<String> stored = ConcurrentHashMap.newKeySet();
        LongAdder withoutMemories = new LongAdder();
        long t0 = System.nanoTime();
        List<OverloadBench.Outcome> run =
            OverloadBench.offer(
                rate,
                minutes * 60,
                i -> {
                  OverloadBench.Outcome o =
                      i % writeEvery == writeEvery - 1
                          ? OverloadBench.send(
                              OverloadBench.infer(
                                  base + "/memory",
                                  "{\"text\":" + json(memory(memories + i)) + "}"),
                              stored)
                          : OverloadBench.send(
                              OverloadBench.infer(
                                  base + "/infer",
                                  "{\"query\":"
                                      + json(question(i))
                                      + ",\"specialist\":\"mnemosyne\",\"max_tokens\":64}"),
                              answer -> {
                                answered.add(answer.get("id").asText());
                                if (!recalled(answer)) {
                                  withoutMemories.increment();
                                }
                              });
                  sampler.count(o.status());
                  return o;
                });
        double elapsed = (System.nanoTime() - t0) / 1e9;
        sampler.sample();
        every.shutdownNow();
        System.out.printf("load ends: load average %s%n", loadAverage());
        Path nmtEnd = nmt(nyx.pid(), work, "end", "summary");
        Path nmtDiff = nmt(nyx.pid(), work, "diff", "summary.diff");
        OverloadBench.report(run, rate, minutes * 60, elapsed, 512);
        System.out.printf(
            "answered questions %d (every one named to Mnemosyne; %d recalled no memory),"
                + " memories stored during the load %d%n",
            answered.size(), withoutMemories.sum(), stored.size());
        check(work, answered, memories + stored.size());
        summary(sampler.rows(), csv);
        nmtLines("NMT at load start", nmtStart);
        nmtLines("NMT at load end", nmtEnd);
        nmtLines("NMT change over the load", nmtDiff);
      } finally {
        nyx.destroy();
        nyx.waitFor();
      }
    }
  }

  private static String json(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean recalled(JsonNode answer) {
    for (JsonNode item : answer.path("context")) {
      if (item.path("kind").asText().equals("memory")) {
        return true;
      }
    }
    return false;
  }

  /** POSTs memories 0..n-1 in lists of {@value #BATCH}, two lists in flight. */
  private static void fill(String base, int n) throws Exception {
    long t0 = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    List<Thread> senders = new ArrayList<>();
    List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int s = 0; s < 2; s++) {
      senders.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int from = next.getAndAdd(BATCH); from < n; from = next.getAndAdd(BATCH)) {
                      StringBuilder body = new StringBuilder("[");
                      for (int i = from; i < Math.min(n, from + BATCH); i++) {
                        body.append(i == from ? "" : ",")
                            .append("{\"text\":")
                            .append(json(memory(i)))
                            .append(",\"source\":\"soak\"}");
                      }
                      try {
                        HttpResponse<String> r =
                            HTTP.send(
                                HttpRequest.newBuilder(URI.create(base + "/memory"))
                                    .timeout(Duration.ofMinutes(5))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body + "]"))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                          failures.add(r.statusCode() + " " + r.body());
                        }
                      } catch (IOException | InterruptedException e) {
                        failures.add(e.toString());
                      }
                    }
                  }));
    }
    for (Thread t : senders) {
      t.join();
    }
    double s = (System.nanoTime() - t0) / 1e9;
    if (!failures.isEmpty()) {
      throw new IllegalStateException("fill failed: " + failures.getFirst());
    }
    System.out.printf(
        "fill: %d memories through POST /memory (lists of %d, 2 in flight) in %.1f s = %.0f/s%n",
        n, BATCH, s, n / s);
  }

  /** What {@code /ready} says of the memory index once the fill is done. */
  private static void waitForIndex(String base) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
    System.out.printf(
        "after the fill /ready %d: %s%n",
        r.statusCode(), JSON.readTree(r.body()).at("/checks/memory_index"));
  }

  /** Every answered question a row (once), every stored memory a row. */
  private static void check(Path work, Set<String> answered, long memories) throws Exception {
    RunningPostgres pg =
        RunningPostgres.of(work.resolve("nyx"))
            .orElseThrow(() -> new IllegalStateException("Nyx's PostgreSQL is not running"));
    Thread.sleep(2_000); // rows written after the answer
    try (Connection c =
        DriverManager.getConnection(
            pg.jdbcUrl("nyx"), EmbeddedPostgresServer.SUPERUSER, pg.superuserPassword())) {
      Recorded.print(c, answered, "answered questions");
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM nyx_subjective_memory");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        System.out.printf(
            "memories in PostgreSQL %d, expected %d (fill + acknowledged writes)%n",
            rs.getLong(1), memories);
      }
    }
  }

  private static Path nmt(long pid, Path work, String tag, String what) throws Exception {
    Path f = work.resolve("nmt-" + tag + ".txt");
    Files.writeString(f, jcmd(pid, "VM.native_memory", what));
    return f;
  }

  static String jcmd(long pid, String... command) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(String.valueOf(pid));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  /** The total and the categories over 20 MB committed (at start or end) of an NMT summary. */
  private static void nmtLines(String label, Path file) throws IOException {
    System.out.println(label + " (" + file + "):");
    Pattern line = Pattern.compile("^(Total|-\\s+[\\w ]+?)\\s*\\(?.*committed=(\\d+)KB(.*)$");
    for (String l : Files.readAllLines(file)) {
      Matcher m = line.matcher(l.strip());
      if (m.find() && (l.contains("Total") || Long.parseLong(m.group(2)) > 20 * 1024)) {
        System.out.println("  " + l.strip());
      }
    }
  }

  /** One sample: see the CSV header. */
  record Row(
      String phase,
      double tSeconds,
      double rssMb,
      double rssAnonMb,
      double rssFileMb,
      double pgRssMb,
      double pgPssMb,
      double heapUsedMb,
      double heapCommittedMb,
      double heapAfterGcMb,
      double nonHeapMb,
      double directMb,
      double mappedMb,
      long requestsDone,
      long errors) {
    static final String HEADER =
        "time,phase,t_s,rss_mb,rss_anon_mb,rss_file_mb,pg_rss_mb,pg_pss_mb,heap_used_mb,"
            + "heap_committed_mb,heap_after_gc_mb,nonheap_mb,direct_mb,mapped_mb,requests_done,"
            + "errors";

    String csv(Instant at) {
      return String.format(
          Locale.ROOT,
          "%s,%s,%.0f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d",
          at,
          phase,
          tSeconds,
          rssMb,
          rssAnonMb,
          rssFileMb,
          pgRssMb,
          pgPssMb,
          heapUsedMb,
          heapCommittedMb,
          heapAfterGcMb,
          nonHeapMb,
          directMb,
          mappedMb,
          requestsDone,
          errors);
    }
  }

  /** Samples Nyx's and its PostgreSQL's memory into the CSV; t = seconds since the load began. */
  static final class Sampler {
    private final long pid;
    private final String base;
    private final Path pgData;
    private final Path gcLog;
    private final PrintWriter out;
    private final List<Row> rows = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final LongAdder done = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final long started = System.nanoTime();
    private volatile long loadStart = 0;

    Sampler(long pid, String base, Path work, Path csv) throws IOException {
      this.pid = pid;
      this.base = base;
      this.pgData = work.resolve("nyx").resolve("pg");
      this.gcLog = work.resolve("gc.log");
      this.out = new PrintWriter(Files.newBufferedWriter(csv), true);
      out.println(Row.HEADER);
    }

    void loadStarts() {
      loadStart = System.nanoTime();
    }

    void count(int status) {
      done.increment();
      if (status != 200) {
        errors.increment();
      }
    }

    List<Row> rows() {
      return rows;
    }

    synchronized void sample() {
      try {
        long now = System.nanoTime();
        Map<String, Double> status = procStatus(pid);
        double pgRss = 0;
        double pgPss = 0;
        for (long p : ServeBench.Cpu.postgres(pgData)) {
          pgRss += procStatus(p).getOrDefault("VmRSS", 0.0);
          pgPss += pss(p);
        }
        String metrics =
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        Row row =
            new Row(
                loadStart == 0 ? "fill" : "load",
                (now - (loadStart == 0 ? started : loadStart)) / 1e9,
                status.getOrDefault("VmRSS", Double.NaN),
                status.getOrDefault("RssAnon", Double.NaN),
                status.getOrDefault("RssFile", Double.NaN) + status.getOrDefault("RssShmem", 0.0),
                pgRss,
                pgPss,
                metric(metrics, "jvm_memory_used_bytes", "area=\"heap\""),
                metric(metrics, "jvm_memory_committed_bytes", "area=\"heap\""),
                heapAfterGc(),
                metric(metrics, "jvm_memory_used_bytes", "area=\"nonheap\""),
                metric(metrics, "jvm_buffer_memory_used_bytes", "id=\"direct\""),
                metric(metrics, "jvm_buffer_memory_used_bytes", "id=\"mapped\""),
                done.sum(),
                errors.sum());
        rows.add(row);
        out.println(row.csv(Instant.now()));
        System.out.printf(
            Locale.ROOT,
            "%s t=%5.0fs rss %6.1f MB (anon %6.1f) pg rss %6.1f pss %6.1f heap %6.1f/%6.1f"
                + " after gc %6.1f MB, %d requests, %d errors%n",
            row.phase(),
            row.tSeconds(),
            row.rssMb(),
            row.rssAnonMb(),
            row.pgRssMb(),
            row.pgPssMb(),
            row.heapUsedMb(),
            row.heapCommittedMb(),
            row.heapAfterGcMb(),
            row.requestsDone(),
            row.errors());
      } catch (Exception e) {
        System.out.println("sample failed: " + e);
      }
    }

    /** Heap used after the last GC in the server's GC log, in MB (G1: "123M->45M(512M)"). */
    private double heapAfterGc() throws IOException {
      double last = Double.NaN;
      if (Files.exists(gcLog)) {
        for (String l : Files.readAllLines(gcLog)) {
          Matcher m = GC_AFTER.matcher(l);
          if (m.find()) {
            last = Double.parseDouble(m.group(2));
          }
        }
      }
      return last;
    }
  }

  /** The kB fields of /proc/PID/status, in MB (empty when the process is gone). */
  static Map<String, Double> procStatus(long pid) {
    Map<String, Double> mb = new java.util.HashMap<>();
    try {
      for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        String[] f = l.split("\\s+");
        if (f.length == 3 && f[2].equals("kB")) {
          mb.put(f[0].replace(":", ""), Long.parseLong(f[1]) / 1024.0);
        }
      }
    } catch (IOException gone) {
      // ended between listing and reading
    }
    return mb;
  }

  /** Proportional set size (shared pages divided among their users), in MB; 0 when gone. */
  static double pss(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps_rollup"))) {
        if (l.startsWith("Pss:")) {
          return Long.parseLong(l.split("\\s+")[1]) / 1024.0;
        }
      }
    } catch (IOException gone) {
      // ended between listing and reading
    }
    return 0;
  }

  /** Sum over the samples of Prometheus metric {@code name} whose labels hold {@code label}, MB. */
  static double metric(String exposition, String name, String label) {
    double sum = 0;
    boolean found = false;
    for (String l : exposition.split("\n")) {
      if (l.startsWith(name + "{") && l.contains(label)) {
        sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    return found ? sum / (1 << 20) : Double.NaN;
  }

  /** Figures over the steady part: the load after its first {@value #WARM_SECONDS} s. */
  private static void summary(List<Row> all, Path csv) {
    List<Row> steady =
        all.stream().filter(r -> r.phase().equals("load") && r.tSeconds() >= WARM_SECONDS).toList();
    System.out.printf(
        "steady part: %d samples from t=%d s (CSV %s)%n", steady.size(), WARM_SECONDS, csv);
    line(steady, "nyx RSS", Row::rssMb);
    line(steady, "nyx RSS anon", Row::rssAnonMb);
    line(steady, "nyx RSS file", Row::rssFileMb);
    line(steady, "postgres RSS (sum)", Row::pgRssMb);
    line(steady, "postgres PSS (sum)", Row::pgPssMb);
    line(steady, "heap used", Row::heapUsedMb);
    line(steady, "heap committed", Row::heapCommittedMb);
    line(steady, "heap after GC", Row::heapAfterGcMb);
    line(steady, "non-heap", Row::nonHeapMb);
    line(steady, "direct buffers", Row::directMb);
  }

  private static void line(List<Row> steady, String what, ToDoubleFunction<Row> f) {
    double[] y = steady.stream().mapToDouble(f).toArray();
    double[] x = steady.stream().mapToDouble(Row::tSeconds).toArray();
    SoakStats.Spread s = SoakStats.spread(y);
    System.out.printf(
        Locale.ROOT,
        "%-20s min %7.1f median %7.1f max %7.1f MB, slope %+6.1f MB per 10 min%n",
        what,
        s.min(),
        s.median(),
        s.max(),
        SoakStats.slope(x, y) * 600);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
