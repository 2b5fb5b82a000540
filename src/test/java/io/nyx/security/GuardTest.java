package io.nyx.security;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GuardTest {
  static final String SECRET = "nyx_test-secret";

  /** A store holding a fixed list. */
  record Fixed(List<ApiKey> keys) implements KeyStore {
    @Override
    public void create(ApiKey key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ApiKey> active() {
      return keys;
    }

    @Override
    public boolean revoke(String name) {
      return false;
    }
  }

  private final AtomicLong nanos = new AtomicLong();

  private Guard guard(List<ApiKey> keys, int maxConcurrent) {
    KeyRegistry registry =
        new KeyRegistry(List.of(), new Fixed(keys), InstantSource.system(), Duration.ofHours(1));
    return new Guard(registry, Guard.Reach.LOOPBACK, maxConcurrent, nanos::get);
  }

  private static ApiKey key(Set<Scope> scopes, double rate, int burst, int concurrent) {
    return new ApiKey("app", KeySecrets.sha256(SECRET), scopes, rate, burst, concurrent);
  }

  @Test
  void withoutKeysEverythingIsAdmittedUpToTheGlobalBound() {
    Guard g = guard(List.of(), 2);
    assertThat(g.keysRequired()).isFalse();
    var a = g.admit(null, Scope.ADMIN);
    var b = g.admit(null, Scope.INFER);
    var c = g.admit(null, Scope.INFER);
    assertThat(a).isInstanceOf(Guard.Admitted.class);
    assertThat(b).isInstanceOf(Guard.Admitted.class);
    assertThat(c)
        .isEqualTo(
            new Guard.Denied(
                503,
                "service_unavailable",
                "Nyx is at its limit of 2 requests in flight (server.max_concurrent)",
                1));
    ((Guard.Admitted) a).release();
    ((Guard.Admitted) a).release(); // a second release must not free a second slot
    assertThat(g.admit(null, Scope.INFER)).isInstanceOf(Guard.Admitted.class);
    assertThat(g.admit(null, Scope.INFER)).isInstanceOf(Guard.Denied.class);
  }

  @Test
  void onTheNetworkWithoutKeysEveryRequestIsRefused() {
    KeyRegistry none =
        new KeyRegistry(
            List.of(), new Fixed(List.of()), InstantSource.system(), Duration.ofHours(1));
    Guard g = new Guard(none, Guard.Reach.NETWORK, 10, nanos::get);
    assertThat(g.keysRequired()).isTrue();
    for (String secret : new String[] {null, "", "nyx_anything"}) {
      Guard.Denied d = (Guard.Denied) g.admit(secret, Scope.INFER);
      assertThat(d.status()).isEqualTo(401);
      assertThat(d.type()).isEqualTo("authentication_error");
      assertThat(d.message()).contains("no API key exists").contains("./nyx keys create");
    }
  }

  @Test
  void revokingTheLastKeyOnTheNetworkRefusesKeylessRequestsAtTheNextReload() {
    List<ApiKey> active =
        new CopyOnWriteArrayList<>(List.of(key(Set.of(Scope.ADMIN), 100, 100, 10)));
    AtomicLong millis = new AtomicLong();
    InstantSource clock = () -> Instant.ofEpochMilli(millis.get());
    KeyRegistry registry =
        new KeyRegistry(List.of(), new Fixed(active), clock, Duration.ofSeconds(5));
    Guard g = new Guard(registry, Guard.Reach.NETWORK, 10, nanos::get);
    assertThat(g.admit(SECRET, Scope.ADMIN)).isInstanceOf(Guard.Admitted.class);
    assertThat(((Guard.Denied) g.admit(null, Scope.ADMIN)).status()).isEqualTo(401);

    active.clear(); // revoked, possibly on another replica
    millis.addAndGet(4_999);
    assertThat(((Guard.Denied) g.admit(null, Scope.ADMIN)).status()).isEqualTo(401);
    millis.addAndGet(1); // the reload sees no key at all
    for (Scope scope : Scope.values()) {
      Guard.Denied d = (Guard.Denied) g.admit(null, scope);
      assertThat(d.status()).isEqualTo(401);
      assertThat(d.message()).contains("no API key exists");
    }
    assertThat(((Guard.Denied) g.admit(SECRET, Scope.INFER)).status()).isEqualTo(401);
  }

  @Test
  void onLoopbackRevokingTheLastKeyReturnsToTheKeylessDefault() {
    List<ApiKey> active =
        new CopyOnWriteArrayList<>(List.of(key(Set.of(Scope.ADMIN), 100, 100, 10)));
    AtomicLong millis = new AtomicLong();
    InstantSource clock = () -> Instant.ofEpochMilli(millis.get());
    KeyRegistry registry =
        new KeyRegistry(List.of(), new Fixed(active), clock, Duration.ofSeconds(5));
    Guard g = new Guard(registry, Guard.Reach.LOOPBACK, 10, nanos::get);
    assertThat(((Guard.Denied) g.admit(null, Scope.ADMIN)).status()).isEqualTo(401);
    active.clear();
    millis.addAndGet(5_000);
    assertThat(g.admit(null, Scope.ADMIN)).isInstanceOf(Guard.Admitted.class);
  }

  @Test
  void keysAndScopesAreChecked() {
    Guard g = guard(List.of(key(Set.of(Scope.INFER), 100, 100, 10)), 100);
    assertThat(((Guard.Denied) g.admit(null, Scope.INFER)).status()).isEqualTo(401);
    assertThat(((Guard.Denied) g.admit("nyx_wrong", Scope.INFER)).status()).isEqualTo(401);
    Guard.Denied scope = (Guard.Denied) g.admit(SECRET, Scope.FEEDBACK);
    assertThat(scope.status()).isEqualTo(403);
    assertThat(scope.message())
        .isEqualTo("key 'app' lacks scope 'feedback'; it has infer")
        .doesNotContain("INFER");
    assertThat(g.admit(SECRET, Scope.INFER)).isInstanceOf(Guard.Admitted.class);
  }

  @Test
  void adminImpliesEveryScope() {
    Guard g = guard(List.of(key(Set.of(Scope.ADMIN), 100, 100, 10)), 100);
    assertThat(g.admit(SECRET, Scope.FEEDBACK)).isInstanceOf(Guard.Admitted.class);
  }

  @Test
  void tokenBucketRefillsAtItsRate() {
    Guard g = guard(List.of(key(Set.of(Scope.INFER), 2, 2, 10)), 100);
    List<Guard.Verdict> burst = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      burst.add(g.admit(SECRET, Scope.INFER));
      if (burst.getLast() instanceof Guard.Admitted a) {
        a.release();
      }
    }
    assertThat(burst.get(2)).isInstanceOf(Guard.Denied.class);
    assertThat(((Guard.Denied) burst.get(2)).status()).isEqualTo(429);
    assertThat(((Guard.Denied) burst.get(2)).retryAfterSeconds()).isEqualTo(1);
    nanos.addAndGet(499_000_000L); // 0.998 tokens: still short
    assertThat(g.admit(SECRET, Scope.INFER)).isInstanceOf(Guard.Denied.class);
    nanos.addAndGet(2_000_000L);
    assertThat(g.admit(SECRET, Scope.INFER)).isInstanceOf(Guard.Admitted.class);
  }

  @Test
  void drainingRefusesNewRequestsAndWaitsForThoseInFlight() throws Exception {
    Guard g = guard(List.of(), 10);
    var inFlight = (Guard.Admitted) g.admit(null, Scope.INFER);
    assertThat(g.drain(Duration.ofMillis(50))).as("one request still in flight").isFalse();
    Guard.Denied late = (Guard.Denied) g.admit(null, Scope.INFER);
    assertThat(late.status()).isEqualTo(503);
    assertThat(late.message()).contains("shutting down");
    AtomicBoolean drained = new AtomicBoolean();
    Thread drainer = Thread.ofVirtual().start(() -> drained.set(g.drain(Duration.ofSeconds(10))));
    // Released only once drain is waiting for it (parked with its deadline), not before it starts.
    await("drain waiting for the request in flight")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> drainer.getState() == Thread.State.TIMED_WAITING);
    inFlight.release();
    assertThat(drainer.join(Duration.ofSeconds(10))).as("drain returned").isTrue();
    assertThat(drained.get()).as("drained once released").isTrue();
  }

  @Test
  void perKeyConcurrencyIsBounded() {
    Guard g = guard(List.of(key(Set.of(Scope.INFER), 1000, 1000, 1)), 100);
    var first = (Guard.Admitted) g.admit(SECRET, Scope.INFER);
    Guard.Denied second = (Guard.Denied) g.admit(SECRET, Scope.INFER);
    assertThat(second.status()).isEqualTo(429);
    assertThat(second.message()).contains("1 requests in flight");
    first.release();
    assertThat(g.admit(SECRET, Scope.INFER)).isInstanceOf(Guard.Admitted.class);
  }
}
