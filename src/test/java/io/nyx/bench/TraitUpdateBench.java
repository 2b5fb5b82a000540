package io.nyx.bench;

import io.nyx.persistence.Database;
import io.nyx.persistence.embedded.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput of the trait SQL functions with W concurrent writers (own connection each) on T
 * traits, against a local PostgreSQL (the embedded one, durable: fsync on and
 * synchronous_commit=on, unless "fast" is given), with a baseline (SELECT 1 per transaction) in the
 * same run, and an exact-sum check (update_trait_weight pins the weights, so the posterior run that
 * follows leaves them alone). Not part of the test suite: run {@code bench/trait-updates}.
 *
 * <p>Args: [updates per writer=2000] [writers=8] [traits=5] [fast]
 */
public final class TraitUpdateBench {
  public static void main(String[] args) throws Exception {
    int per = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int writers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int traits = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    boolean fast = args.length > 3 && args[3].equals("fast");
    Path dir = Files.createTempDirectory("nyx-bench-pg-");
    Map<String, String> conf =
        fast ? Map.of("fsync", "off", "synchronous_commit", "off") : Map.of();
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir, conf);
        Database db =
            Database.external(
                pg.jdbcUrl("postgres"), EmbeddedPostgresServer.SUPERUSER, pg.superuserPassword())) {
      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement()) {
        for (int t = 0; t < traits; t++) {
          s.execute(
              "INSERT INTO nyx_trait_weights (name, weight, min_weight, max_weight) VALUES ('b"
                  + t
                  + "', 0.5, -1e9, 1e9)");
        }
      }
      System.out.printf(
          "writers %d, traits %d, updates/writer %d, fsync %s, cores %d%n",
          writers, traits, per, fast ? "off" : "on", Runtime.getRuntime().availableProcessors());
      run(db, "baseline SELECT 1", "SELECT 1", per, writers, traits);
      run(
          db,
          "update_trait_weight",
          "SELECT update_trait_weight(?, 0.001, 'bench')",
          per,
          writers,
          traits);
      run(
          db,
          "update_trait_posterior",
          "SELECT update_trait_posterior(?, 0.75, 1, 'bench', '', now())",
          per,
          writers,
          traits);
      check(db, per * writers);
    } finally {
      io.nyx.testing.TestDatabase.deleteRecursively(dir);
    }
  }

  private static void run(Database db, String label, String sql, int per, int writers, int traits)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      done.add(
          pool.submit(
              () -> {
                try (Connection c = db.dataSource().getConnection();
                    PreparedStatement s = c.prepareStatement(sql)) {
                  go.await();
                  for (int i = 0; i < per; i++) {
                    if (s.getParameterMetaData().getParameterCount() > 0) {
                      s.setString(1, "b" + ((id + i) % traits));
                    }
                    s.executeQuery().close();
                  }
                }
                return null;
              }));
    }
    long t0 = System.nanoTime();
    go.countDown();
    for (Future<?> f : done) {
      f.get();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    System.out.printf(
        "%-24s %8.0f calls/s  (%d calls in %.2f s)%n",
        label, per * writers / secs, per * writers, secs);
  }

  private static void check(Database db, int calls) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT sum(weight) - 0.5 * count(*), sum(trials), sum(success_total) FROM nyx_trait_weights")) {
      rs.next();
      System.out.printf(
          "exact sums: weight delta %.6f (want %.6f), trials %.1f (want %d), successes %.2f (want %.2f)%n",
          rs.getDouble(1), 0.001 * calls, rs.getDouble(2), calls, rs.getDouble(3), 0.75 * calls);
    }
  }
}
