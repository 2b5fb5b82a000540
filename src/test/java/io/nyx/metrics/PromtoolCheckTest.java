package io.nyx.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus's own checker on what ships in {@code ops/}: the scrape config with its alert rules,
 * and every dashboard query parsed as PromQL (each one as a recording rule, with Grafana's
 * variables filled in). CI installs Prometheus for this ({@code .ci/run}); elsewhere it runs where
 * {@code promtool} is on the PATH.
 */
class PromtoolCheckTest {
  @TempDir Path dir;

  @Test
  void configRulesAndDashboardQueriesPassPromtool() throws IOException, InterruptedException {
    Optional<Path> promtool = onPath("promtool");
    Assumptions.assumeTrue(promtool.isPresent(), "promtool is not installed");

    assertThat(run(promtool.get(), "check", "config", "ops/prometheus/prometheus.yml"))
        .contains("SUCCESS");

    JsonNode dashboard =
        new ObjectMapper().readTree(Files.readString(Path.of("ops/grafana/dashboards/nyx.json")));
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode file = yaml.createObjectNode();
    ObjectNode group = file.putArray("groups").addObject().put("name", "dashboard");
    ArrayNode rules = group.putArray("rules");
    List<JsonNode> targets = dashboard.findParents("expr");
    for (int i = 0; i < targets.size(); i++) {
      String expr =
          targets
              .get(i)
              .path("expr")
              .asText()
              .replace("$__rate_interval", "1m")
              .replace("$job", "nyx");
      rules.addObject().put("record", "dashboard_query_" + i).put("expr", expr);
    }
    Path queries = dir.resolve("dashboard-queries.yml");
    yaml.writeValue(queries.toFile(), file);
    assertThat(run(promtool.get(), "check", "rules", queries.toString()))
        .contains("SUCCESS: " + targets.size() + " rules found");
  }

  static Optional<Path> onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(d -> Path.of(d, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Runs promtool; its output when it exits 0, else the test fails with it. */
  private static String run(Path promtool, String... args)
      throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
