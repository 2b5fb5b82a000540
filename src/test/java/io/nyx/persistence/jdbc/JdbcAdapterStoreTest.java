package io.nyx.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nyx.adapter.AdapterException;
import io.nyx.adapter.AdapterState;
import io.nyx.adapter.AdapterStore;
import io.nyx.adapter.AdapterVersion;
import io.nyx.adapter.Transition;
import io.nyx.adapter.Usage;
import io.nyx.persistence.Database;
import io.nyx.pipeline.QueryRecord;
import io.nyx.testing.QueryRecords;
import io.nyx.testing.TestDatabase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry on real PostgreSQL, as the serving role: seeding, registration, CAS moves, figures.
 */
class JdbcAdapterStoreTest {
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MICROS);

  private Database db;
  private JdbcAdapterStore store;
  private JdbcQueryLog log;

  @BeforeEach
  void open() {
    db = TestDatabase.fresh();
    store = new JdbcAdapterStore(db.dataSource());
    log = new JdbcQueryLog(db.dataSource());
  }

  @AfterEach
  void close() {
    db.close();
  }

  private AdapterVersion register(int version) {
    return store.register(
        new AdapterStore.NewVersion(
            "kairos",
            version,
            AdapterVersion.servedName("kairos", version),
            "/adapters/kairos/v" + version,
            "Qwen/Qwen2.5-7B-Instruct",
            16),
        "ops",
        "registered",
        T0);
  }

  private static AdapterStore.Move move(
      String name, AdapterState from, AdapterState to, double share) {
    return new AdapterStore.Move(name, from, to, share, from.label() + " to " + to.label());
  }

  @Test
  void seedingRegistersVersionOneOnceAndLeavesRegisteredSpecialistsAlone() {
    List<AdapterStore.Seed> seeds =
        List.of(
            new AdapterStore.Seed("kairos", "kairos", "/adapters/kairos"),
            new AdapterStore.Seed("moira", "moira", ""));

    assertThat(store.seed(seeds, T0))
        .extracting(AdapterVersion::name)
        .containsExactly("kairos", "moira");
    assertThat(store.seed(seeds, T0.plusSeconds(60))).isEmpty();
    AdapterVersion kairos = store.all().getFirst();
    assertThat(kairos.version()).isEqualTo(1);
    assertThat(kairos.state()).isEqualTo(AdapterState.ACTIVE);
    assertThat(kairos.actor()).isEqualTo("nyx");
    assertThat(kairos.createdAt()).isEqualTo(T0);
    assertThat(store.history("kairos"))
        .singleElement()
        .satisfies(t -> assertThat(t.from()).isNull())
        .satisfies(t -> assertThat(t.to()).isEqualTo(AdapterState.ACTIVE));
  }

  @Test
  void aVersionOrServedNameIsRegisteredOnlyOnce() {
    register(2);

    assertThat(store.all())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.state()).isEqualTo(AdapterState.CANDIDATE);
              assertThat(v.rank()).isEqualTo(16);
              assertThat(v.baseModel()).isEqualTo("Qwen/Qwen2.5-7B-Instruct");
            });
    assertThatThrownBy(() -> register(2))
        .isInstanceOf(AdapterException.Conflict.class)
        .hasMessageContaining("kairos-v2 is registered already");
  }

  @Test
  void aMoveFromAStaleStateLosesAndChangesNothing() {
    register(2);
    store.apply(
        List.of(move("kairos-v2", AdapterState.CANDIDATE, AdapterState.CANARY, 0.3)),
        "nyx",
        Map.of("share", 0.3),
        T0.plusSeconds(1));

    assertThatThrownBy(
            () ->
                store.apply(
                    List.of(move("kairos-v2", AdapterState.CANDIDATE, AdapterState.FAILED, 0)),
                    "ops",
                    Map.of(),
                    T0.plusSeconds(2)))
        .isInstanceOf(AdapterException.Conflict.class)
        .hasMessageContaining("kairos-v2 is canary now, not candidate");
    AdapterVersion v = store.all().getFirst();
    assertThat(v.state()).isEqualTo(AdapterState.CANARY);
    assertThat(v.share()).isEqualTo(0.3);
    assertThat(v.figures()).containsEntry("share", 0.3);
    assertThat(store.history("kairos"))
        .extracting(Transition::to)
        .containsExactly(AdapterState.CANDIDATE, AdapterState.CANARY);
  }

  @Test
  void aSecondActiveVersionIsRefusedAndAllMovesOfTheCallRollBack() {
    store.seed(List.of(new AdapterStore.Seed("kairos", "kairos", "")), T0);
    register(2);

    assertThatThrownBy(
            () ->
                store.apply(
                    List.of(
                        move("kairos-v2", AdapterState.CANDIDATE, AdapterState.RETIRED, 0),
                        move("kairos-v2", AdapterState.RETIRED, AdapterState.ACTIVE, 0)),
                    "ops",
                    Map.of(),
                    T0.plusSeconds(1)))
        .isInstanceOf(AdapterException.Conflict.class)
        .hasMessageContaining("same role");
    assertThat(store.all())
        .extracting(AdapterVersion::state)
        .containsExactly(AdapterState.ACTIVE, AdapterState.CANDIDATE);
  }

  @Test
  void aCanaryWhoseShareChangesKeepsItsStart() {
    register(2);
    store.apply(
        List.of(move("kairos-v2", AdapterState.CANDIDATE, AdapterState.CANARY, 0.1)),
        "ops",
        Map.of(),
        T0.plusSeconds(10));
    store.apply(
        List.of(move("kairos-v2", AdapterState.CANARY, AdapterState.CANARY, 0.5)),
        "ops",
        Map.of(),
        T0.plusSeconds(20));

    AdapterVersion v = store.all().getFirst();
    assertThat(v.share()).isEqualTo(0.5);
    assertThat(v.stateSince()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void rewardsAndUsageCountAnswersAndTheAdaptersOwnFailuresPerVersionInOrder() {
    answer(2, 0.9, "ok", 1);
    answer(2, -1, "backend_error", 2);
    answer(2, 0.5, "ok", 3);
    answer(2, 0, "backend_saturated", 4); // never reached the adapter
    answer(3, 0.1, "ok", 5);
    answer(null, 0.7, "ok", 6); // the base model answered for kairos

    assertThat(store.rewards("kairos", 2, T0, 100)).containsExactly(0.9, -1, 0.5);
    assertThat(store.rewards("kairos", 2, T0.plusSeconds(2), 100)).containsExactly(-1, 0.5);
    assertThat(store.rewards("kairos", 2, T0, 2)).containsExactly(0.9, -1);
    assertThat(store.rewards("kairos", null, T0, 100)).containsExactly(0.7);
    Usage u = store.usage("kairos", 2, T0, 100);
    assertThat(u.answers()).isEqualTo(3);
    assertThat(u.rewardMean()).isCloseTo(0.4 / 3, within(1e-9));
    assertThat(u.errorRate()).isCloseTo(1.0 / 3, within(1e-9));
  }

  @Test
  void recentSplitsTheLatestAnswersFromTheHistoryBeforeThem() {
    for (int i = 0; i < 6; i++) {
      answer(2, 0.8, "ok", i);
    }
    answer(2, -0.5, "ok", 10);
    answer(2, -1, "backend_error", 11);

    AdapterStore.Recent r = store.recent("kairos", 2, 2, 4);
    assertThat(r.window()).isEqualTo(new Usage(2, -0.75, 0.5));
    assertThat(r.history().answers()).isEqualTo(4);
    assertThat(r.history().rewardMean()).isCloseTo(0.8, within(1e-9));
    assertThat(store.poorAnswers("kairos", 2, 2, 0.0)).hasSize(2);
  }

  @Test
  void loadedIsRemembered() {
    register(2);
    store.loaded("kairos-v2", true);
    assertThat(store.all().getFirst().loaded()).isTrue();
    store.loaded("kairos-v2", false);
    assertThat(store.all().getFirst().loaded()).isFalse();
  }

  private void answer(@Nullable Integer version, double reward, String status, int second) {
    QueryRecord r = QueryRecords.full(UUID.randomUUID(), T0.plusSeconds(second));
    log.append(
        new QueryRecord(
            r.id(),
            r.createdAt(),
            r.sessionId(),
            r.query(),
            "kairos",
            r.adapter(),
            r.routeMethod(),
            r.routeConfidence(),
            r.route(),
            r.messages(),
            r.decoding(),
            r.context(),
            r.response(),
            r.finishReason(),
            r.confidence(),
            reward,
            r.promptTokens(),
            r.completionTokens(),
            r.latencyMs(),
            r.backendLatencyMs(),
            status,
            status.equals("ok") ? null : "failed",
            r.tenant(),
            r.keyName(),
            version));
  }
}
