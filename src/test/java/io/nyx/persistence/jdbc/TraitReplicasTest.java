package io.nyx.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nyx.learning.LearningSettings;
import io.nyx.learning.MemoryTraitStore;
import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitPosterior;
import io.nyx.persistence.Database;
import io.nyx.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The SQL learning function against its Java reference, and three replicas (each with its own
 * connection pool, as separate Nyx processes would have) on one database losing no evidence.
 */
class TraitReplicasTest {
  static final LearningSettings S =
      new LearningSettings(10, Duration.ofMinutes(10), 0.05, 0.005, Duration.ofMinutes(5));
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void sqlComputesWhatTheJavaReferenceComputes() {
    try (Database db = TestDatabase.fresh()) {
      JdbcTraitStore sql = new JdbcTraitStore(db.dataSource(), InstantSource.fixed(T0));
      MemoryTraitStore ref = new MemoryTraitStore(InstantSource.fixed(T0));
      sql.configure(S);
      ref.configure(S);
      sql.ensure("x", 0.5, 0.05, 1.0);
      ref.ensure("x", 0.5, 0.05, 1.0);
      SplittableRandom rng = new SplittableRandom(3);
      Instant at = T0;
      for (int i = 0; i < 300; i++) {
        at = at.plusMillis(rng.nextInt(0, 20_000));
        if (i == 150) {
          sql.set("x", 0.3, "operator", "test"); // pinned at T0: already over when at > T0 + 5 min
          ref.set("x", 0.3, "operator", "test");
        }
        double n = rng.nextDouble(0, 3);
        TraitEvidence e = new TraitEvidence(n * rng.nextDouble(), n);
        double w = sql.observe("x", e, at, "sim", "").weight();
        assertThat(w)
            .as("step " + i)
            .isCloseTo(ref.observe("x", e, at, "sim", "").weight(), within(1e-9));
      }
      TraitPosterior a = sql.posteriors().get("x");
      TraitPosterior b = ref.posteriors().get("x");
      assertThat(a.successes()).isCloseTo(b.successes(), within(1e-9));
      assertThat(a.failures()).isCloseTo(b.failures(), within(1e-9));
      assertThat(sql.settings()).isEqualTo(S);
    }
  }

  @Test
  void threeReplicasWithFourWritersEachLoseNoEvidence() throws Exception {
    String name = TestDatabase.createEmpty();
    List<Database> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      replicas.add(TestDatabase.asOwner(name));
    }
    try {
      JdbcTraitStore first = new JdbcTraitStore(replicas.get(0).dataSource());
      first.ensure("shared", 0.5, 0.05, 1.0);
      int perWriter = 100;
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(12);
      List<Future<?>> done = new ArrayList<>();
      for (Database db : replicas) {
        JdbcTraitStore store = new JdbcTraitStore(db.dataSource());
        for (int w = 0; w < 4; w++) {
          done.add(pool.submit(() -> write(store, go, perWriter)));
        }
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      TraitPosterior p = first.posteriors().get("shared");
      // each write: 0.75 successes of 1 trial; 12 writers x 100 writes
      assertThat(p.trials()).isEqualTo(1200.0);
      assertThat(p.successTotal()).isEqualTo(900.0);
      assertThat(first.history("shared", 5000)).hasSize(1200);
    } finally {
      replicas.forEach(Database::close);
    }
  }

  @org.junit.jupiter.api.Test
  void separateProcessesLoseNoUpdate() throws Exception {
    String url = io.nyx.testing.TestDatabase.jdbcUrl(io.nyx.testing.TestDatabase.createEmpty());
    try (Database db = TestDatabase.asOwnerUrl(url)) {
      JdbcTraitStore store = new JdbcTraitStore(db.dataSource());
      store.ensure("shared", 0.5, 0.0, 1.0);
      List<Process> children = new ArrayList<>();
      String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      for (int i = 0; i < 3; i++) {
        ProcessBuilder child =
            new ProcessBuilder(
                    javaBin,
                    "-cp",
                    System.getProperty("java.class.path"),
                    TraitWriterChild.class.getName(),
                    url,
                    "150")
                .redirectErrorStream(true);
        child.environment().put(TraitWriterChild.PASSWORD_ENV, TestDatabase.superuserPassword());
        children.add(child.start());
      }
      for (Process child : children) {
        String out =
            new String(
                child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).contains("DONE");
      }
      TraitPosterior p = store.posteriors().get("shared");
      // 3 processes x 150 writes of 0.75 successes in 1 trial
      assertThat(p.trials()).isEqualTo(450.0);
      assertThat(p.successTotal()).isEqualTo(337.5);
      assertThat(store.history("shared", 5000)).hasSize(450);
    }
  }

  private static Void write(JdbcTraitStore store, CountDownLatch go, int times) throws Exception {
    go.await();
    for (int i = 0; i < times; i++) {
      store.observe("shared", new TraitEvidence(0.75, 1), Instant.now(), "replica", "");
    }
    return null;
  }
}
