package io.nyx.bench;

import io.nyx.persistence.embedded.EmbeddedPostgresServer;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Nyx as it is deployed: {@code nyx serve} in a process of its own (the built jar), PostgreSQL a
 * server of its own, the fake vLLM in this process, and wrk — a load generator in C, so the harness
 * leaves the cores to what is measured — sending distinct {@code POST /infer} requests over
 * keep-alive connections. Reports wrk's throughput and latency, each process's CPU per request
 * (from {@code /proc}: Nyx, PostgreSQL, this process = the fake, the rest = wrk and the kernel's
 * share), and whether every answer wrk received is a row, once.
 *
 * <p>Run with {@code scripts/bench-serve [seconds=60] [connections=64] [chat_delay_ms=20]
 * [local|remote] [embedding_delay_ms=5] [rate=0]}; a rate above 0 offers that many requests a
 * second, whatever Nyx's pace (open loop, {@link OverloadBench}'s generator), instead of wrk.
 * {@code remote}: {@code embedding.provider: openai} against the fake's {@code /v1/embeddings} (384
 * dimensions, answering after {@code embedding_delay_ms}), the deployment where the embedding model
 * runs on the GPU server next to the LLM. {@code local}: MiniLM in Nyx's process. {@code
 * BENCH_CONFIG} names a YAML file to use as Nyx's config instead, {@code ${FAKE_URL}} standing for
 * the fake's base URL.
 */
final class ServeBench {
  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(s|m)");
  private static final long TICK_MS = 10; // USER_HZ 100 on Linux

  /** Durable, as Nyx's own; slow statements and checkpoints logged, for tracing stalls. */
  private static final Map<String, String> PG_SETTINGS =
      Map.of(
          "synchronous_commit", "on",
          "log_min_duration_statement", "200",
          "log_checkpoints", "on");

  private ServeBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int chatDelayMs = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    boolean remote = args.length > 3 && "remote".equals(args[3]);
    int embedDelayMs = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    int rate = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    Path work = Files.createTempDirectory("nyx-serve-bench");
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(work.resolve("db"), PG_SETTINGS);
        FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      vllm.delay(Duration.ofMillis(chatDelayMs)).recordRequests(false);
      vllm.embeddingDimension(384).embeddingDelay(Duration.ofMillis(embedDelayMs));
      Path yaml = work.resolve("nyx.yaml");
      Files.writeString(yaml, config(remote, vllm));
      int port = NyxServe.freePort();
      Process nyx =
          NyxServe.start(
              work,
              port,
              vllm.baseUrl(),
              List.of(),
              List.of("--config", yaml.toString()),
              Map.of(
                  "NYX_DB_URL",
                  pg.jdbcUrl("postgres") + "?user=postgres&password=" + pg.superuserPassword()));
      try {
        NyxServe.awaitReady(port, nyx, 60);
        Path script = work.resolve("distinct.lua");
        Files.writeString(script, luaScript(work.resolve("ids-")));
        System.out.printf(
            "nyx serve (pid %d), %s embeddings, chat %d ms, %d connections%n",
            nyx.pid(),
            remote ? "remote (" + embedDelayMs + " ms)" : "local",
            chatDelayMs,
            connections);
        Path chat = work.resolve("chat.lua");
        Files.writeString(chat, CHAT_SCRIPT);
        // Nyx's warm-up warms the fake's chat path too, so the baseline is not a cold fake's.
        wrk("http://127.0.0.1:" + port, script, connections, 15, "warm-up", false);
        String direct = wrk(vllm.baseUrl().replace("/v1", ""), chat, connections, 15, "d", false);
        Cpu before = Cpu.read(nyx.pid(), pg.dataDir());
        Instant runStart = Instant.now();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        if (rate > 0) {
          openLoop(port, rate, seconds, acknowledged, before, nyx.pid(), pg);
        } else {
          String out = wrk("http://127.0.0.1:" + port, script, connections, seconds, "run", true);
          Cpu used = Cpu.read(nyx.pid(), pg.dataDir()).minus(before);
          report(out, used);
          overhead(direct, out);
        }
        rows(pg, runStart);
        recorded(pg, work, acknowledged);
      } finally {
        nyx.destroy();
        nyx.waitFor();
      }
    }
  }

  private static String config(boolean remote, FakeVllm vllm) throws IOException {
    String given = System.getenv("BENCH_CONFIG");
    if (given != null) {
      return Files.readString(Path.of(given)).replace("${FAKE_URL}", vllm.baseUrl());
    }
    if (!remote) {
      return "embedding:\n  provider: local\n";
    }
    return "embedding:\n  provider: openai\n  url: "
        + vllm.baseUrl()
        + "\n  model: "
        + FakeVllm.EMBEDDING_MODEL
        + "\n";
  }

  /**
   * Distinct queries (thread id and a counter in words), the answers' ids written to one file per
   * wrk thread (line-buffered) so they can be looked up as rows afterwards.
   */
  private static String luaScript(Path idsPrefix) {
    return """
        local counter = 0
        local threads = 0
        local ids = nil
        local qs = {
          "What did I tell you about my sister's wedding last spring?",
          "Is it true that we only use ten percent of our brains?",
          "I have a report due in two hours, what should I do first?",
          "I feel really overwhelmed and alone lately",
          "What could happen if I quit my job to start a company?",
        }
        function setup(thread)
          threads = threads + 1
          thread:set("tid", threads)
        end
        function init(args)
          ids = io.open("%s" .. tid .. "-" .. (args[1] or "x"), "a")
          ids:setvbuf("line")
        end
        function request()
          counter = counter + 1
          local q = qs[(counter %% #qs) + 1] .. " (ticket " .. tid .. " number " .. counter .. ")"
          return wrk.format("POST", "/infer", {["Content-Type"] = "application/json"},
            '{"query":"' .. q .. '","max_tokens":64}')
        end
        function response(status, headers, body)
          if status == 200 then
            local id = body:match('"id"%%s*:%%s*"([%%x%%-]+)"')
            if id then ids:write(id, "\\n") end
          end
        end
        """
        .formatted(idsPrefix.toString());
  }

  /** The same kind of chat request Nyx sends, straight to the fake: the baseline. */
  private static final String CHAT_SCRIPT =
      """
      local counter = 0
      function request()
        counter = counter + 1
        return wrk.format("POST", "/v1/chat/completions", {["Content-Type"] = "application/json"},
          '{"model":"mnemosyne","messages":[{"role":"system","content":"You are a specialist."},'
          .. '{"role":"user","content":"What should I do first? (ticket ' .. counter .. ')"}],'
          .. '"max_tokens":64,"logprobs":true}')
      end
      """;

  private static String wrk(
      String url, Path script, int connections, int seconds, String tag, boolean print)
      throws Exception {
    Process p =
        new ProcessBuilder(
                "wrk",
                "-t2",
                "-c" + connections,
                "-d" + seconds + "s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                script.toString(),
                url,
                "--",
                tag)
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    if (print) {
      System.out.print(out);
    }
    return out;
  }

  private static void report(String wrkOut, Cpu used) {
    Matcher m = REQUESTS.matcher(wrkOut);
    if (!m.find()) {
      throw new IllegalStateException("no request count in wrk's output");
    }
    long requests = Long.parseLong(m.group(1));
    double seconds = Double.parseDouble(m.group(2)) * (m.group(3).equals("m") ? 60 : 1);
    System.out.printf(
        "CPU per request (ms): nyx %.3f, postgresql %.3f, fake vLLM %.3f, wrk + kernel + rest"
            + " %.3f; cores busy %.2f of %d%n",
        used.nyxMs() / (double) requests,
        used.pgMs() / (double) requests,
        used.selfMs() / (double) requests,
        used.restMs() / (double) requests,
        used.totalMs() / (seconds * 1000),
        Runtime.getRuntime().availableProcessors());
    if (!wrkOut.contains("Non-2xx") && !wrkOut.contains("Socket errors")) {
      System.out.println("errors: none (no non-2xx responses, no socket errors)");
    }
  }

  /** Nyx's added latency: its percentiles minus those of the chat call made directly. */
  private static void overhead(String direct, String nyx) {
    StringBuilder line = new StringBuilder("overhead (Nyx - direct to the fake):");
    for (String p : List.of("50%", "90%", "99%")) {
      double d = percentileMs(direct, p);
      double n = percentileMs(nyx, p);
      line.append(String.format(" p%s %.1f ms (%.1f - %.1f)", p.replace("%", ""), n - d, n, d));
    }
    System.out.println(line);
  }

  private static double percentileMs(String wrkOut, String label) {
    Matcher m = Pattern.compile(label + "\\s+([\\d.]+)(us|ms|s)").matcher(wrkOut);
    if (!m.find()) {
      throw new IllegalStateException("no " + label + " latency in wrk's output");
    }
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      default -> v;
    };
  }

  /** From the run's rows: whole time in Nyx, the chat call's part, and the rest. */
  private static void rows(EmbeddedPostgresServer pg, Instant runStart) throws SQLException {
    try (Connection c = pg.connect("postgres");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*), percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY"
                    + " latency_ms), percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY"
                    + " backend_latency_ms), percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP"
                    + " (ORDER BY latency_ms - backend_latency_ms)"
                    + " FROM nyx_synthetic_specialist_queries WHERE created_at >= ?")) {
      ps.setObject(1, OffsetDateTime.ofInstant(runStart, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        System.out.printf(
            "rows of the run: %d; p50/p99 ms: in Nyx %s, chat call %s, the rest %s%n",
            rs.getLong(1),
            Arrays.toString((Object[]) rs.getArray(2).getArray()),
            Arrays.toString((Object[]) rs.getArray(3).getArray()),
            Arrays.toString((Object[]) rs.getArray(4).getArray()));
      }
    }
  }

  /**
   * A fixed offered rate instead of wrk's closed loop ({@link OverloadBench}'s generator, in this
   * process: its CPU counts as the fake's here).
   */
  private static void openLoop(
      int port,
      int rate,
      int seconds,
      Set<String> acknowledged,
      Cpu before,
      long nyxPid,
      EmbeddedPostgresServer pg)
      throws Exception {
    long t0 = System.nanoTime();
    List<OverloadBench.Outcome> run =
        OverloadBench.offer(
            "http://127.0.0.1:" + port + "/infer", rate, seconds, "run", acknowledged);
    double elapsed = (System.nanoTime() - t0) / 1e9;
    Cpu used = Cpu.read(nyxPid, pg.dataDir()).minus(before);
    OverloadBench.report(run, rate, seconds, elapsed, maxConcurrent());
    System.out.printf(
        "CPU per request (ms): nyx %.3f, postgresql %.3f, fake vLLM + load generator %.3f;"
            + " cores busy %.2f%n",
        used.nyxMs() / (double) run.size(),
        used.pgMs() / (double) run.size(),
        used.selfMs() / (double) run.size(),
        used.totalMs() / (elapsed * 1000));
  }

  /** Nyx's default unless a {@code BENCH_CONFIG} is given (then -1: see that file). */
  private static int maxConcurrent() {
    return System.getenv("BENCH_CONFIG") == null ? 512 : -1;
  }

  private static void recorded(EmbeddedPostgresServer pg, Path work, Set<String> acknowledged)
      throws Exception {
    Set<String> ids = new HashSet<>(acknowledged);
    try (Stream<Path> files = Files.list(work)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("ids-")).toList()) {
        ids.addAll(Files.readAllLines(f));
      }
    }
    Recorded.print(pg, ids, "answers received (warm-up and run)");
  }

  /** CPU time used so far, in ms, by Nyx, PostgreSQL (postmaster and backends), this process. */
  record Cpu(long nyxMs, long pgMs, long selfMs, long totalMs) {
    static Cpu read(long nyxPid, Path pgDataDir) throws IOException {
      long pg = 0;
      for (long pid : postgres(pgDataDir)) {
        pg += ticks(pid, true);
      }
      return new Cpu(
          ticks(nyxPid, false) * TICK_MS,
          pg * TICK_MS,
          ticks(ProcessHandle.current().pid(), false) * TICK_MS,
          machineBusyTicks() * TICK_MS);
    }

    Cpu minus(Cpu o) {
      return new Cpu(nyxMs - o.nyxMs, pgMs - o.pgMs, selfMs - o.selfMs, totalMs - o.totalMs);
    }

    long restMs() {
      return totalMs - nyxMs - pgMs - selfMs;
    }

    static List<Long> postgres(Path dataDir) {
      String marker = dataDir.toString();
      List<Long> pids = new ArrayList<>();
      ProcessHandle.allProcesses()
          .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
          .forEach(
              postmaster -> {
                pids.add(postmaster.pid());
                postmaster.descendants().forEach(d -> pids.add(d.pid()));
              });
      return pids;
    }

    /**
     * utime + stime of one process (0 when it is gone), with {@code children} also that of its
     * children that have exited: backends that end during the run are counted by the postmaster.
     */
    private static long ticks(long pid, boolean children) {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long own = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return children ? own + Long.parseLong(f[13]) + Long.parseLong(f[14]) : own;
      } catch (IOException gone) {
        return 0;
      }
    }

    /** All CPUs' busy time (user, nice, system, irq, softirq; not steal: other machines'). */
    private static long machineBusyTicks() throws IOException {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return Long.parseLong(f[1])
          + Long.parseLong(f[2])
          + Long.parseLong(f[3])
          + Long.parseLong(f[6])
          + Long.parseLong(f[7]);
    }
  }
}
