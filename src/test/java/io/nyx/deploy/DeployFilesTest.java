package io.nyx.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nyx.capacity.CapacityPlan;
import io.nyx.capacity.CapacityPlanner;
import io.nyx.capacity.CapacityTables;
import io.nyx.capacity.KvDtype;
import io.nyx.capacity.PlanRequest;
import io.nyx.capacity.WeightDtype;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files in {@code deploy/}: what Nyx relies on in them (probes on /health and
 * /ready, a preStop pause and a grace period covering Nyx's drain, the PodDisruptionBudget and
 * Services matching the pods, the vLLM flags {@code nyx plan} gives, copies of shipped files kept
 * equal, the generated and example Nyx configs accepted by Nyx's own loader), and the external
 * validators where they are installed ({@code .ci/run} installs them; without them those tests are
 * skipped): Compose's schema check ({@code docker-compose config}), the Kubernetes API schemas
 * ({@code deploy/validate/k8s.mjs}) and promtool on the Prometheus configs.
 */
class DeployFilesTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Path DEPLOY = Path.of("deploy");
  static final Path K8S = DEPLOY.resolve("k8s");
  static final CapacityTables TABLES = CapacityTables.shipped();

  @TempDir Path dir;

  /** What deploy/compose.yaml's header says it runs: 70B at 4 bits on 2 × RTX 3090. */
  static final PlanRequest COMPOSE_PLAN =
      new PlanRequest(
          TABLES.model("llama-3.1-70b"),
          WeightDtype.INT4,
          KvDtype.AUTO,
          TABLES.gpus("2xRTX3090"),
          4096,
          2,
          2,
          16,
          0.95,
          PlanRequest.DEFAULT_OVERHEAD_GIB);

  /** What deploy/k8s/vllm.yaml's header says it runs: 70B at 4 bits on 2 × A100 80GB. */
  static final PlanRequest K8S_PLAN =
      new PlanRequest(
          TABLES.model("llama-3.1-70b"),
          WeightDtype.INT4,
          KvDtype.AUTO,
          TABLES.gpus("2xA100-80"),
          8192,
          32,
          5,
          64,
          0.90,
          PlanRequest.DEFAULT_OVERHEAD_GIB);

  @Test
  void composeRunsVllmAsNyxPlanSaysAndItFits() throws IOException {
    JsonNode vllm = compose().path("services").path("vllm");
    CapacityPlan plan = CapacityPlanner.plan(COMPOSE_PLAN, Optional.empty());
    assertThat(plan.fits()).as("nyx plan says the compose configuration fits").isTrue();
    List<String> command = strings(vllm.path("command"));
    assertThat(command).containsSequence(plan.vllmArgs());
    assertThat(command)
        .containsSequence("--model", "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4");
    assertThat(command).contains("--lora-modules", "mnemosyne=/adapters/mnemosyne");
    assertThat(vllm.path("environment").path("VLLM_ALLOW_RUNTIME_LORA_UPDATING").asText())
        .isEqualTo("True");
    assertThat(vllm.path("deploy").toString()).contains("\"count\":2").contains("nvidia");
  }

  @Test
  void composeWiresNyxPostgresPrometheusAndTheShippedDashboard() throws IOException {
    JsonNode s = compose().path("services");
    assertThat(s.path("nyx").path("build").path("dockerfile").asText())
        .isEqualTo("deploy/Dockerfile");
    assertThat(s.path("nyx").path("environment").path("NYX_LLM_URL").asText())
        .isEqualTo("http://vllm:8000/v1");
    assertThat(strings(s.path("grafana").path("volumes")))
        .contains(
            "../ops/grafana/provisioning:/etc/grafana/provisioning:ro",
            "../ops/grafana/dashboards:/nyx/ops/grafana/dashboards:ro");
    assertThat(strings(s.path("prometheus").path("volumes")))
        .contains("../ops/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
    assertThat(strings(s.path("postgres").path("volumes")))
        .contains("../src/main/resources/db/least-privilege.sql:/nyx/least-privilege.sql:ro");
    JsonNode prometheus = YAML.readTree(DEPLOY.resolve("compose/prometheus.yml").toFile());
    assertThat(prometheus.findValuesAsText("job_name")).containsExactly("nyx", "vllm");
    assertThat(prometheus.toString()).contains("nyx:8080").contains("vllm:8000");
  }

  /**
   * The config the compose init service writes is one Nyx accepts, lets Prometheus in as "nyx",
   * matches vLLM's context, and gives Nyx less time to drain than compose gives it to stop.
   */
  @Test
  void theGeneratedComposeConfigLoadsAndFitsTheStopGrace() throws Exception {
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    ProcessBuilder init =
        new ProcessBuilder("bash", DEPLOY.resolve("compose/init-secrets.sh").toString())
            .redirectErrorStream(true);
    init.environment().put("SECRETS_DIR", secrets.toString());
    Process run = init.start();
    run.getOutputStream().close();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).as(out).isZero();
    NyxConfig config = load(secrets.resolve("nyx.yaml"));
    assertThat(config.server().allowedHosts()).contains("nyx");
    assertThat(config.security().keys()).hasSize(1);
    assertThat(config.context().maxPromptTokens()).isEqualTo(COMPOSE_PLAN.context());
    long stopGraceS = seconds(compose().path("services").path("nyx").path("stop_grace_period"));
    assertThat(stopGraceS * 1000)
        .isGreaterThanOrEqualTo(config.server().shutdownGraceMs() + 10_000L);
    assertThat(Files.readString(secrets.resolve("api_key"))).startsWith("nyx_").hasSize(52);
  }

  @Test
  void kubernetesRunsVllmAsNyxPlanSaysAndItFits() throws IOException {
    JsonNode vllm = workload("Deployment", "vllm").path("spec").path("template").path("spec");
    CapacityPlan plan = CapacityPlanner.plan(K8S_PLAN, Optional.empty());
    assertThat(plan.fits()).as("nyx plan says the Kubernetes configuration fits").isTrue();
    JsonNode container = vllm.path("containers").get(0);
    assertThat(strings(container.path("args"))).containsSequence(plan.vllmArgs());
    assertThat(container.path("resources").path("limits").path("nvidia.com/gpu").asText())
        .isEqualTo(String.valueOf(K8S_PLAN.gpus().count()));
    assertThat(container.toString()).contains("VLLM_ALLOW_RUNTIME_LORA_UPDATING");
  }

  /**
   * Rolling upgrades lose no request: the pod is out of the Service before Nyx drains (preStop),
   * and the grace period covers the pause, the drain (server.shutdown_grace_ms) and closing.
   */
  @Test
  void nyxPodsProbeHealthAndReadyAndDrainWithinTheGracePeriod() throws IOException {
    JsonNode set = workload("StatefulSet", "nyx");
    JsonNode pod = set.path("spec").path("template").path("spec");
    JsonNode nyx = pod.path("containers").get(0);
    assertThat(nyx.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/ready");
    assertThat(nyx.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/health");
    assertThat(nyx.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
    List<String> preStop =
        strings(nyx.path("lifecycle").path("preStop").path("exec").path("command"));
    assertThat(preStop).hasSize(2).startsWith("sleep");
    long pauseS = Long.parseLong(preStop.get(1));
    NyxConfig config = load(exampleNyxConfig());
    long graceS = pod.path("terminationGracePeriodSeconds").asLong();
    assertThat(graceS * 1000)
        .isGreaterThanOrEqualTo(pauseS * 1000 + config.server().shutdownGraceMs() + 10_000L);
    assertThat(config.context().maxPromptTokens()).isEqualTo(K8S_PLAN.context());
    assertThat(set.path("spec").path("replicas").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(nyx.path("resources").path("requests").has("memory")).isTrue();
  }

  @Test
  void servicesAndTheDisruptionBudgetSelectThePods() throws IOException {
    JsonNode labels = workload("StatefulSet", "nyx").at("/spec/template/metadata/labels");
    JsonNode pdb = object("PodDisruptionBudget", "nyx");
    assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(labels);
    assertThat(pdb.at("/spec/maxUnavailable").asInt())
        .isLessThan(workload("StatefulSet", "nyx").at("/spec/replicas").asInt());
    for (String service : List.of("nyx", "nyx-pods")) {
      assertThat(object("Service", service).at("/spec/selector")).isEqualTo(labels);
    }
    assertThat(object("Service", "vllm").at("/spec/selector"))
        .isEqualTo(workload("Deployment", "vllm").at("/spec/template/metadata/labels"));
    for (JsonNode workload :
        List.of(workload("StatefulSet", "nyx"), workload("Deployment", "vllm"))) {
      JsonNode annotations = workload.at("/spec/template/metadata/annotations");
      assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
    }
  }

  private static final String SYNC =
      "copy differs from its original: run scripts/sync-deploy-copies";

  /** The copies in ConfigMaps stay what they copy. */
  @Test
  void copiedFilesMatchTheirOriginals() throws IOException {
    JsonNode init = object("ConfigMap", "postgres-init").path("data");
    assertThat(init.path("least-privilege.sql").asText())
        .as(SYNC)
        .isEqualTo(Files.readString(Path.of("src/main/resources/db/least-privilege.sql")));
    JsonNode prometheus = object("ConfigMap", "nyx-prometheus").path("data");
    assertThat(prometheus.path("alerts.yml").asText())
        .as(SYNC)
        .isEqualTo(Files.readString(Path.of("ops/prometheus/alerts.yml")));
  }

  /** The image runs as a non-root user with the launcher's JVM flags and a /health check. */
  @Test
  void theImageRunsNonRootWithTheLaunchersFlags() throws IOException {
    String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
    assertThat(dockerfile).contains("USER 10001:10001").contains("HEALTHCHECK").contains("/health");
    assertThat(dockerfile.lines().filter(l -> l.startsWith("FROM ")).count()).isEqualTo(2);
    String launcher = Files.readString(Path.of("nyx"));
    for (String flag : List.of("--enable-native-access=ALL-UNNAMED", "jdk.incubator.vector")) {
      assertThat(launcher).contains(flag);
      assertThat(dockerfile).contains("\"" + flag + "\"");
    }
  }

  @Test
  void composeFilePassesComposesOwnCheck() throws Exception {
    List<String> compose = composeCommand();
    Assumptions.assumeFalse(compose.isEmpty(), "neither docker-compose nor docker compose works");
    List<String> command = new ArrayList<>(compose);
    command.addAll(List.of("-f", DEPLOY.resolve("compose.yaml").toString(), "config", "-q"));
    assertThat(run(command).code()).as(String.join(" ", command)).isZero();
  }

  @Test
  void manifestsPassTheKubernetesSchemas() throws Exception {
    Optional<Path> node = onPath("node");
    Assumptions.assumeTrue(node.isPresent(), "node is not installed");
    Assumptions.assumeTrue(
        Files.isDirectory(DEPLOY.resolve("validate/node_modules/kubernetes-models")),
        "deploy/validate has no node_modules (npm ci --prefix deploy/validate)");
    List<String> command =
        new ArrayList<>(
            List.of(node.get().toString(), DEPLOY.resolve("validate/k8s.mjs").toString()));
    command.addAll(manifests().stream().map(Path::toString).toList());
    Result r = run(command);
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).contains("ok      deploy/k8s/nyx.yaml #3 StatefulSet/nyx");
  }

  @Test
  void composePrometheusConfigPassesPromtool() throws Exception {
    Path compose = Files.createDirectories(dir.resolve("compose"));
    Files.copy(DEPLOY.resolve("compose/prometheus.yml"), compose.resolve("prometheus.yml"));
    Files.copy(Path.of("ops/prometheus/alerts.yml"), compose.resolve("alerts.yml"));
    Result r = promtool("check", "config", compose.resolve("prometheus.yml").toString());
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).contains("SUCCESS");
  }

  /**
   * Where promtool is built without Kubernetes service discovery (Debian 12's prometheus 2.42 is:
   * "field kubernetes_sd_configs not found"), the config is checked with static targets in place of
   * the discovery, so the relabelling rules and the rest still are.
   */
  @Test
  void kubernetesPrometheusConfigPassesPromtool() throws Exception {
    Path k8s = Files.createDirectories(dir.resolve("k8s"));
    JsonNode data = object("ConfigMap", "nyx-prometheus").path("data");
    Path config = k8s.resolve("prometheus.yml");
    Files.writeString(config, data.path("prometheus.yml").asText());
    Files.writeString(k8s.resolve("alerts.yml"), data.path("alerts.yml").asText());
    Result r = promtool("check", "config", config.toString());
    if (r.out().contains("field kubernetes_sd_configs not found")) {
      JsonNode tree = YAML.readTree(config.toFile());
      for (JsonNode job : tree.path("scrape_configs")) {
        ObjectNode o = (ObjectNode) job;
        o.remove("kubernetes_sd_configs");
        o.putArray("static_configs").addObject().putArray("targets").add("10.0.0.1:8080");
      }
      YAML.writeValue(config.toFile(), tree);
      r = promtool("check", "config", config.toString());
    }
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).contains("SUCCESS");
  }

  private static Result promtool(String... args) throws IOException, InterruptedException {
    Optional<Path> promtool = onPath("promtool");
    Assumptions.assumeTrue(promtool.isPresent(), "promtool is not installed");
    List<String> command = new ArrayList<>(List.of(promtool.get().toString()));
    command.addAll(List.of(args));
    return run(command);
  }

  private static NyxConfig load(Path file) {
    return ConfigLoader.load(Map.of("config", file.toString()), Map.of());
  }

  /** The example Secret's nyx.yaml with its placeholders filled in as an operator would. */
  private Path exampleNyxConfig() throws IOException {
    String yaml = object("Secret", "nyx-config").at("/stringData/nyx.yaml").asText();
    String filled =
        yaml.replaceAll("\"CHANGE-ME[^\"]*\"", "\"" + "ab".repeat(32) + "\"")
            .replaceAll("CHANGE-ME[^\\s]*", "secret");
    Path file = dir.resolve("nyx.yaml");
    Files.writeString(file, filled);
    return file;
  }

  private static JsonNode compose() throws IOException {
    return YAML.readTree(DEPLOY.resolve("compose.yaml").toFile());
  }

  private static long seconds(JsonNode duration) {
    String d = duration.asText();
    assertThat(d).matches("\\d+s");
    return Long.parseLong(d.substring(0, d.length() - 1));
  }

  private static List<Path> manifests() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path d : List.of(K8S, K8S.resolve("examples"))) {
      try (Stream<Path> s = Files.list(d)) {
        s.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  private static JsonNode workload(String kind, String name) throws IOException {
    return object(kind, name);
  }

  private static JsonNode object(String kind, String name) throws IOException {
    for (Path file : manifests()) {
      try (MappingIterator<JsonNode> docs =
          YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (kind.equals(doc.path("kind").asText())
              && name.equals(doc.at("/metadata/name").asText())) {
            return doc;
          }
        }
      }
    }
    throw new AssertionError(kind + "/" + name + " is in no manifest under " + K8S);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static List<String> composeCommand() throws Exception {
    Optional<Path> v1 = onPath("docker-compose");
    if (v1.isPresent()) {
      return List.of(v1.get().toString());
    }
    Optional<Path> docker = onPath("docker");
    if (docker.isPresent()
        && run(List.of(docker.get().toString(), "compose", "version")).code() == 0) {
      return List.of(docker.get().toString(), "compose");
    }
    return List.of();
  }

  private static Optional<Path> onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(d -> Path.of(d, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  record Result(int code, String out) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    return new Result(p.exitValue(), out);
  }
}
