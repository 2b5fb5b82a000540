package io.nyx.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped Grafana dashboard ({@code ops/grafana/dashboards/nyx.json}) against what Nyx really
 * exposes: every metric a panel queries is one {@link PrometheusMetrics} writes (after each kind of
 * event has happened once), with the labels the panel groups, filters and names series by; rates
 * are taken of counters only; and every metric family Nyx writes has a panel. The Prometheus scrape
 * config points at Nyx's {@code /metrics}. (PromQL syntax is not parsed here.)
 */
class DashboardTest {
  private static final Path DASHBOARD = Path.of("ops/grafana/dashboards/nyx.json");
  private static final Path PROMETHEUS = Path.of("ops/prometheus/prometheus.yml");
  private static final Path ALERTS = Path.of("ops/prometheus/alerts.yml");

  /** Nyx's own metrics: each family needs a panel. */
  private static final Pattern METRIC = Pattern.compile("\\b(?:nyx|vllm)_[a-z0-9_]+");

  /** Any metric a panel may query, the process's own (jvm, process, system) included. */
  private static final Pattern ANY =
      Pattern.compile("\\b(?:nyx|vllm|jvm|process|system)_[a-z0-9_]+");

  private static final Pattern SUFFIX = Pattern.compile("_(?:bucket|count|sum|max|total)$");

  /** The series a rate() or increase() is taken of. */
  private static final Pattern RATE =
      Pattern.compile("\\b(?:rate|irate|increase)\\(\\s*([a-z_:][a-z0-9_:]*)");

  /** Labels a query groups by, filters on, or names series with. */
  private static final Pattern GROUP = Pattern.compile("\\bby \\(([^)]*)\\)");

  private static final Pattern MATCHER = Pattern.compile("([a-z_]+)=~?\"");
  private static final Pattern LEGEND = Pattern.compile("\\{\\{(\\w+)}}");

  /** Added by Prometheus at scrape time or by histogram_quantile, not by Nyx. */
  private static final Set<String> EXTERNAL = Set.of("le", "instance", "job");

  @Test
  void everyPanelQueriesMetricsNyxWritesAndEveryMetricHasAPanel() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    Set<String> queried = new TreeSet<>();
    for (String expr : expressions(dashboard)) {
      Matcher m = ANY.matcher(expr);
      while (m.find()) {
        queried.add(m.group());
      }
    }
    Set<String> written = sampleNames(exercised().scrape());

    assertThat(written).as("samples Nyx writes").containsAll(queried);
    Map<String, Set<String>> labels = labels(exercised().scrape());
    for (JsonNode target : dashboard.findParents("expr")) {
      checkLabels(target.path("expr").asText(), target.path("legendFormat").asText(), labels);
    }
    Set<String> own = new TreeSet<>(written);
    own.removeIf(n -> !METRIC.matcher(n).matches());
    assertThat(families(queried)).as("every metric family has a panel").containsAll(families(own));
  }

  @Test
  void panelsAreWellFormed() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    assertThat(dashboard.path("uid").asText()).isEqualTo("nyx-overview");
    assertThat(dashboard.at("/templating/list/0/type").asText()).isEqualTo("datasource");
    assertThat(dashboard.at("/templating/list/0/name").asText()).isEqualTo("datasource");
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("unique id %s", panel).isTrue();
      assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${datasource}");
      JsonNode grid = panel.path("gridPos");
      assertThat(grid.path("x").asInt() + grid.path("w").asInt()).isBetween(1, 24);
      assertThat(panel.path("targets")).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("refId").asText()).isNotBlank();
        assertThat(target.path("expr").asText()).isNotBlank();
      }
    }
    assertThat(ids).hasSizeGreaterThanOrEqualTo(10);
    // Scoped to the chosen Nyx job: a Prometheus that scrapes other JVMs must not mix them in.
    assertThat(dashboard.at("/templating/list/1/name").asText()).isEqualTo("job");
    for (String expr : expressions(dashboard)) {
      Matcher m = ANY.matcher(expr);
      while (m.find()) {
        assertThat(expr.substring(m.end())).as(expr).startsWith("{job=~\"$job\"");
      }
    }
  }

  @Test
  void prometheusScrapesNyxMetricsEndpoint() throws IOException {
    JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(PROMETHEUS));
    JsonNode nyx = null;
    for (JsonNode job : config.path("scrape_configs")) {
      if ("nyx".equals(job.path("job_name").asText())) {
        nyx = job;
      }
    }
    assertThat(nyx).isNotNull();
    assertThat(nyx.path("metrics_path").asText()).isEqualTo("/metrics");
    assertThat(nyx.at("/static_configs/0/targets/0").asText()).isEqualTo("127.0.0.1:8080");
  }

  /**
   * Each alert's query uses metrics and labels Nyx writes (its summary only labels the query
   * keeps), takes rates of counters only, and the Prometheus config loads the file.
   */
  @Test
  void alertRulesQueryWhatNyxWrites() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    assertThat(yaml.readTree(Files.readString(PROMETHEUS)).path("rule_files").toString())
        .contains("alerts.yml");
    JsonNode rules = yaml.readTree(Files.readString(ALERTS)).at("/groups/0/rules");
    assertThat(rules).hasSizeGreaterThanOrEqualTo(5);
    Set<String> written = sampleNames(exercised().scrape());
    Map<String, Set<String>> labels = labels(exercised().scrape());
    Pattern annotated = Pattern.compile("\\$labels\\.(\\w+)");
    for (JsonNode rule : rules) {
      String expr = rule.path("expr").asText();
      Matcher m = ANY.matcher(expr);
      while (m.find()) {
        assertThat(written).as(expr).contains(m.group());
      }
      Matcher r = RATE.matcher(expr);
      while (r.find()) {
        assertThat(r.group(1)).as(expr).containsPattern("_(?:total|bucket|count)$");
      }
      StringBuilder legend = new StringBuilder();
      Matcher a = annotated.matcher(rule.path("annotations").path("summary").asText());
      while (a.find()) {
        legend.append("{{").append(a.group(1)).append("}}");
      }
      checkLabels(expr, legend.toString(), labels);
    }
  }

  @Test
  void ratesAreTakenOfCountersOnly() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    for (String expr : expressions(dashboard)) {
      Matcher m = RATE.matcher(expr);
      while (m.find()) {
        // A summary's _sum may go down (negative rewards): rate() would read that as a reset.
        assertThat(m.group(1)).as(expr).containsPattern("_(?:total|bucket|count)$");
      }
    }
  }

  /** Every label an expression or legend uses is on one of the expression's metrics. */
  private static void checkLabels(String expr, String legend, Map<String, Set<String>> labels) {
    Set<String> available = new TreeSet<>(EXTERNAL);
    Matcher metric = ANY.matcher(expr);
    boolean ours = false;
    while (metric.find()) {
      ours = true;
      available.addAll(labels.getOrDefault(metric.group(), Set.of()));
    }
    if (!ours) {
      return; // another process's metric (vLLM's own): not in Nyx's scrape
    }
    Set<String> used = new TreeSet<>();
    Matcher g = GROUP.matcher(expr);
    while (g.find()) {
      for (String label : g.group(1).split(",")) {
        used.add(label.strip());
      }
    }
    Matcher f = MATCHER.matcher(expr);
    while (f.find()) {
      used.add(f.group(1));
    }
    Matcher l = LEGEND.matcher(legend);
    while (l.find()) {
      used.add(l.group(1));
    }
    assertThat(available).as("labels of %s", expr).containsAll(used);
  }

  /** Label names per sample name in a Prometheus text exposition. */
  private static Map<String, Set<String>> labels(String exposition) {
    Map<String, Set<String>> out = new java.util.HashMap<>();
    Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    for (String line : exposition.split("\n")) {
      Matcher m = ANY.matcher(line);
      if (line.startsWith("#") || !m.lookingAt()) {
        continue;
      }
      Set<String> names = out.computeIfAbsent(m.group(), k -> new TreeSet<>());
      int brace = line.indexOf('{');
      if (brace >= 0) {
        Matcher lm = label.matcher(line.substring(brace, line.indexOf('}', brace)));
        while (lm.find()) {
          names.add(lm.group(1));
        }
      }
    }
    return out;
  }

  private static List<String> expressions(JsonNode dashboard) {
    return dashboard.findValues("expr").stream().map(JsonNode::asText).toList();
  }

  /** A metrics registry after one of every event Nyx records. */
  private static PrometheusMetrics exercised() {
    PrometheusMetrics m = new PrometheusMetrics();
    m.backendCall("kairos", "ok", 0.02);
    m.tokens("kairos", 10, 5);
    m.routed("semantic", "kairos");
    m.request("/infer", 200, 0.03);
    m.tenantRequest("acme", 200);
    m.reward("kairos", 0.4);
    m.spool("rows", () -> 0);
    m.deadLetters("rows", () -> 1);
    m.traitWeight("kairos", 0.5);
    m.retry("kairos", "server_error");
    m.fallback("kairos", "not_loaded");
    m.partitionCheck(true);
    m.partitionCheck(false);
    m.adapterTransition("kairos", "active", "nyx");
    m.adapterRepair("kairos", "reward_drop");
    m.adapterLineup("kairos", 2, 0.2);
    return m;
  }

  private static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      Matcher m = ANY.matcher(line);
      if (!line.startsWith("#") && m.lookingAt()) {
        names.add(m.group());
      }
    }
    return names;
  }

  private static Set<String> families(Set<String> names) {
    Set<String> out = new TreeSet<>();
    names.forEach(n -> out.add(SUFFIX.matcher(n).replaceFirst("")));
    return out;
  }
}
