package io.nyx.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nyx.learning.LearningSettings;
import io.nyx.learning.MemoryTraitStore;
import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitPosterior;
import io.nyx.persistence.Database;
import io.nyx.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code update_trait_cluster_posterior} (V50) and {@code update_base_cluster_posterior} (V51)
 * against the Java reference, and under contention.
 */
class JdbcTraitClustersTest {
  static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
  static final LearningSettings S =
      new LearningSettings(10, Duration.ofSeconds(300), 0.05, 0.005, Duration.ofMinutes(30));

  private static Database db;
  private static JdbcTraitStore traits;

  @BeforeAll
  static void open() {
    db = TestDatabase.fresh();
    traits = new JdbcTraitStore(db.dataSource(), InstantSource.fixed(T0));
    traits.configure(S);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void sqlMatchesTheJavaReferenceStepByStep() {
    MemoryTraitStore ref = new MemoryTraitStore(InstantSource.fixed(T0));
    ref.configure(S);
    for (var store : List.of(traits, ref)) {
      store.ensure("ref-moira", 0.5, 0.05, 1.0);
      store.observe("ref-moira", new TraitEvidence(1, 4), T0, "reward", "");
    }
    SplittableRandom rng = new SplittableRandom(7);
    for (int i = 0; i < 60; i++) {
      int cluster = rng.nextInt(3);
      double trials = 0.25 + rng.nextInt(4);
      TraitEvidence e = new TraitEvidence(trials * rng.nextDouble(), trials);
      Instant at = T0.plusSeconds(37L * i);
      TraitPosterior sql = traits.observeCluster("ref-moira", cluster, e, at);
      TraitPosterior java = ref.observeCluster("ref-moira", cluster, e, at);
      assertThat(sql.weight()).as("step " + i).isCloseTo(java.weight(), within(1e-12));
      assertThat(sql.successes()).isCloseTo(java.successes(), within(1e-9));
      assertThat(sql.failures()).isCloseTo(java.failures(), within(1e-9));
      assertThat(sql.priorWeight()).isCloseTo(java.priorWeight(), within(1e-12));
    }
    traits.set("ref-moira", 0.9, "operator", "steer");
    ref.set("ref-moira", 0.9, "operator", "steer");
    assertThat(traits.clusterPosteriors().get("ref-moira"))
        .hasSize(3)
        .allSatisfy((c, p) -> assertThat(p.weight()).isEqualTo(0.9))
        .allSatisfy((c, p) -> assertThat(p.evidence()).isZero());
  }

  @Test
  void concurrentWritersLoseNoClusterUpdate() throws Exception {
    traits.ensure("busy", 0.5, 0.05, 1.0);
    int writers = 8;
    int each = 100;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < each; i++) {
                  traits.observeCluster("busy", id % 2, new TraitEvidence(0.25, 1), T0);
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    var clusters = traits.clusterPosteriors().get("busy");
    assertThat(clusters.get(0).trials()).isEqualTo(400.0);
    assertThat(clusters.get(1).trials()).isEqualTo(400.0);
    assertThat(clusters.get(0).successTotal()).isEqualTo(100.0);
  }

  @Test
  void badInputIsRefusedByName() {
    traits.ensure("strict", 0.5, 0.05, 1.0);
    assertThatThrownBy(() -> traits.observeCluster("nobody", 0, new TraitEvidence(1, 1), T0))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("nobody");
    assertThatThrownBy(() -> traits.observeCluster("strict", -1, new TraitEvidence(1, 1), T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cluster");
  }

  @Test
  void baseModelPosteriorsMatchTheJavaReferenceAndLoseNoUpdate() throws Exception {
    MemoryTraitStore ref = new MemoryTraitStore(InstantSource.fixed(T0));
    ref.configure(S);
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < 40; i++) {
      int cluster = 10 + rng.nextInt(2);
      TraitEvidence e = new TraitEvidence(rng.nextDouble(), 1);
      Instant at = T0.plusSeconds(53L * i);
      TraitPosterior sql = traits.observeBase(cluster, e, at);
      TraitPosterior java = ref.observeBase(cluster, e, at);
      assertThat(sql.successes()).as("step " + i).isCloseTo(java.successes(), within(1e-9));
      assertThat(sql.failures()).isCloseTo(java.failures(), within(1e-9));
      assertThat(sql.weight()).isCloseTo(java.weight(), within(1e-12));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 50; i++) {
                  traits.observeBase(20, new TraitEvidence(0.5, 1), T0);
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    assertThat(traits.baseClusters().get(20).trials()).isEqualTo(400.0);
    assertThat(traits.baseClusters().get(20).successTotal()).isEqualTo(200.0);
    assertThatThrownBy(() -> traits.observeBase(-1, new TraitEvidence(1, 1), T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cluster");
  }
}
