package io.nyx.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.ServerTest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code promtool check metrics} on what a running Nyx really exposes: a live {@code /metrics}
 * scrape after a few requests (answered, refused, routed), so every family that appears only once
 * something happened is in it. promtool lints names and help: no abbreviated units ({@code _ns}),
 * no {@code _count}/{@code _sum}/{@code _total} suffix on a gauge, counters ending in {@code
 * _total}. Skipped where promtool is not on the PATH (CI installs it: {@code .ci/run}).
 */
class LiveScrapePromtoolTest extends ServerTest {
  @Test
  void liveScrapePassesPromtoolCheckMetrics() throws IOException, InterruptedException {
    Optional<Path> promtool = PromtoolCheckTest.onPath("promtool");
    Assumptions.assumeTrue(promtool.isPresent(), "promtool is not installed");
    assertThat(http.post("/infer", "{\"query\":\"what time is it in Tokyo?\"}").status())
        .isEqualTo(200);
    assertThat(http.post("/infer", "{\"query\":\"hello\",\"specialist\":\"kairos\"}").status())
        .isEqualTo(200);
    assertThat(http.post("/infer", "{\"query\":\"x\",\"specialist\":\"nobody\"}").status())
        .isEqualTo(400);
    assertThat(http.post("/feedback", "{\"query_id\":\"not-a-uuid\",\"rating\":1}").status())
        .isEqualTo(400);
    String scrape = http.get("/metrics").body();

    Process p =
        new ProcessBuilder(promtool.get().toString(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(scrape.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(out).as("promtool's findings").isEmpty();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(scrape)
        .contains(
            "vllm_latency_seconds_bucket",
            "vllm_token_count_total",
            "nyx_tenant_requests_total{status=\"2xx\",tenant=\"local\"} 2",
            "nyx_tenant_requests_total{status=\"4xx\",tenant=\"local\"} 2",
            "process_cpu_seconds_total",
            "system_cpu_processors")
        .doesNotContain("process_cpu_time_ns_total", "system_cpu_count");
  }
}
