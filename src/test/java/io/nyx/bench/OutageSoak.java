package io.nyx.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.persistence.Database;
import io.nyx.persistence.embedded.EmbeddedPostgresServer;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TcpProxy;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Soak: steady load through Nyx while its PostgreSQL (embedded, durable settings) is really stopped
 * for {@code outageSeconds} and started again on the same data directory. Nyx reaches it through a
 * TCP forwarder, so the restarted server (on a new port) is found at the same address. Reports
 * answers, rejections, how many rows went through the spool, how long replay took, and the count
 * that matters: acknowledged answers missing from the database (must be 0) and rows stored twice
 * (must be 0).
 *
 * <p>Run with {@code scripts/soak-db-outage [seconds=90] [outageSeconds=30] [clients=16]}.
 */
public final class OutageSoak {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One per specialist, so memory recall and fact search meet the outage too. */
  private static final List<String> QUERIES =
      List.of(
          "What did I tell you about my sister's wedding last spring?",
          "Is it true that we only use ten percent of our brains?",
          "I have a report due in two hours, what should I do first?",
          "I feel really overwhelmed and alone lately",
          "What could happen if I quit my job to start a company?");

  private OutageSoak() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 90;
    int outage = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    Path pgDir = Files.createTempDirectory("nyx-soak-pg");
    Path dataDir = Files.createTempDirectory("nyx-soak");
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(pgDir);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Map<Integer, LongAdder> statuses = new ConcurrentSkipListMap<>();
    try (TcpProxy proxy = new TcpProxy(pg.port());
        FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      vllm.delay(Duration.ofMillis(20));
      String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres";
      var config =
          ConfigLoader.load(
              Map.of("port", "0", "llm-url", vllm.baseUrl(), "data-dir", dataDir.toString()),
              Map.of());
      try (Nyx nyx =
          Nyx.start(
              config,
              Database.external(url, EmbeddedPostgresServer.SUPERUSER, pg.superuserPassword()))) {
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          threads.add(
              Thread.ofVirtual().start(() -> load(nyx.port(), loading, acknowledged, statuses)));
        }
        long t0 = System.nanoTime();
        int before = (seconds - outage) / 3;
        Thread.sleep(Duration.ofSeconds(before));
        System.out.printf(
            "t=%ds: stopping PostgreSQL (%d answers so far)%n", before, count(statuses));
        pg.close();
        int maxSpooled = 0;
        for (int s = 0; s < outage * 10; s++) {
          Thread.sleep(100);
          maxSpooled = Math.max(maxSpooled, nyx.spooledRows());
        }
        pg = EmbeddedPostgresServer.start(pgDir);
        proxy.retarget(pg.port());
        long back = System.nanoTime();
        System.out.printf(
            "t=%ds: PostgreSQL started again, %d rows in the spool%n",
            (back - t0) / 1_000_000_000L, nyx.spooledRows());
        long drained =
            0; // every spool empty, and still empty a second later: back to direct writes
        while (drained == 0 || System.nanoTime() - drained < 1_000_000_000L) {
          Thread.sleep(50);
          int left = nyx.spooledRows() + nyx.spooledFollowUps() + nyx.spooledEvidence();
          drained = left > 0 ? 0 : drained == 0 ? System.nanoTime() : drained;
        }
        System.out.printf(
            "spools (rows, follow-ups, evidence) empty for good %.1f s after the restart%n",
            (drained - back) / 1e9);
        Thread.sleep(
            Duration.ofNanos(Math.max(0, t0 + seconds * 1_000_000_000L - System.nanoTime())));
        loading.set(false);
        for (Thread t : threads) {
          t.join();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            "%d s, %d clients: %d answers (%.0f/s), statuses %s, at most %d rows spooled%n",
            Math.round(elapsed),
            clients,
            acknowledged.size(),
            acknowledged.size() / elapsed,
            statuses,
            maxSpooled);
      }
      report(pg, acknowledged);
    } finally {
      pg.close();
    }
  }

  private static long count(Map<Integer, LongAdder> statuses) {
    return statuses.values().stream().mapToLong(LongAdder::sum).sum();
  }

  private static void report(EmbeddedPostgresServer pg, Set<String> acknowledged) throws Exception {
    Recorded.print(pg, acknowledged, "acknowledged");
    try (Connection c = pg.connect("postgres");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT (SELECT sum(trials) FROM nyx_trait_weights),"
                    + " (SELECT 0.25 * count(*) FROM nyx_synthetic_specialist_queries"
                    + "   WHERE status = 'ok' AND specialist IS NOT NULL)");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      System.out.printf(
          "trait evidence applied %.2f observations; answered rows imply %.2f%n",
          rs.getDouble(1), rs.getDouble(2));
    }
  }

  private static void load(
      int port, AtomicBoolean loading, Set<String> acknowledged, Map<Integer, LongAdder> statuses) {
    for (int n = 0; loading.get(); n++) {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/infer"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"query\":\"" + QUERIES.get(n % QUERIES.size()) + "\",\"max_tokens\":64}"))
              .build();
      try {
        HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
        statuses.computeIfAbsent(r.statusCode(), k -> new LongAdder()).increment();
        if (r.statusCode() == 200) {
          acknowledged.add(JSON.readTree(r.body()).get("id").asText());
        }
      } catch (java.io.IOException e) {
        statuses.computeIfAbsent(-1, k -> new LongAdder()).increment();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
