package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter's breaker over HTTP, after vLLM restarts: the adapter fails until its breaker opens,
 * the trial call finds it not loaded (404) and opens the breaker for one more period, and once the
 * adapter is loaded again its traffic returns to it within that period.
 */
class BreakerRecoveryTest {
  private static final long OPEN_MS = 800;
  private static final String ASK = "{\"query\":\"plan my afternoon\",\"specialist\":\"kairos\"}";

  @TempDir Path dir;

  @Test
  void aTrialAnswered404LeavesTheBreakerUsableAndTheAdapterGetsItsTrafficBack() throws Exception {
    Path yaml = dir.resolve("nyx.yaml");
    Files.writeString(
        yaml,
        "llm:\n  max_retries: 0\n  breaker_failures: 2\n  breaker_open_ms: " + OPEN_MS + "\n");
    AtomicBoolean broken = new AtomicBoolean(true);
    try (NyxFixture f = NyxFixture.start(dir, Map.of("config", yaml.toString()))) {
      f.vllm()
          .reply(
              (model, req) -> {
                if (broken.get() && model.equals("kairos")) {
                  throw new IllegalStateException("kairos's adapter is broken"); // a 500
                }
                return "[" + model + "] fine";
              });
      assertThat(ask(f).status()).isIn(502, 503);
      assertThat(ask(f).status()).isIn(502, 503);
      assertThat(ask(f).json().get("fallback").asText()).contains("circuit open for 'kairos'");

      broken.set(false);
      f.vllm().unloadAdapter("kairos"); // vLLM restarted, its adapters not loaded yet
      int before = kairosCalls(f);
      Reply trial = askUntil(f, "the trial call", r -> kairosCalls(f) > before);
      assertThat(trial.status()).isEqualTo(200);
      assertThat(trial.json().get("fallback").asText()).contains("'kairos' is not loaded");

      f.vllm().loadAdapter("kairos");
      long loaded = System.nanoTime();
      assertThat(ask(f).json().get("fallback").asText())
          .as("the 404 opened the breaker for one more period")
          .contains("circuit open for 'kairos'");
      Reply back = askUntil(f, "kairos answering again", r -> !r.json().has("fallback"));
      long waitedMs = (System.nanoTime() - loaded) / 1_000_000;
      assertThat(back.json().get("answer").asText()).startsWith("[kairos]");
      assertThat(waitedMs)
          .as("back within one open period (plus slack)")
          .isLessThan(OPEN_MS + 2000);
      assertThat(ask(f).json().has("fallback")).isFalse();
    }
  }

  private static Reply ask(NyxFixture f) {
    return f.http().post("/infer", ASK);
  }

  /**
   * Asks every 20 ms until a reply satisfies {@code done}. Every reply must be a 200 (the base
   * model answers while kairos cannot): one that is not fails at once, an assertion is not retried.
   */
  private static Reply askUntil(NyxFixture f, String what, Predicate<Reply> done) {
    return await(what)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              Reply r = ask(f);
              assertThat(r.status()).as(r.body()).isEqualTo(200);
              return r;
            },
            done);
  }

  private static int kairosCalls(NyxFixture f) {
    return (int)
        f.vllm().requests().stream().filter(b -> "kairos".equals(b.path("model").asText())).count();
  }
}
