package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.config.ConfigLoader;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official {@code openai} npm package as a client of Nyx: {@code src/test/node/sdk.mjs} runs
 * its checks (models, every passed-on field, refusals, json, logprobs, a two-turn tool
 * conversation, streamed logprobs and tool calls) against a running Nyx and the fake vLLM, and this
 * test reads what the fake was sent. The package comes from {@code npm ci} in that folder, which
 * {@code .ci/run} does (the lock file pins it); without Node or the installed package the test is
 * skipped, saying which.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeSdkTest {
  static final Path DIR = Path.of("src", "test", "node");
  static final long TIMEOUT_SECONDS = 120;
  @TempDir static Path dataDir;
  FakeVllm vllm;
  Nyx nyx;

  @BeforeAll
  void start() {
    Assumptions.assumeTrue(
        nodeVersion() != null, "node is not installed: the npm openai package cannot be tested");
    Assumptions.assumeTrue(
        Files.isDirectory(DIR.resolve("node_modules/openai")),
        "the npm openai package is not installed: run npm ci in " + DIR + " (.ci/run does)");
    vllm = FakeVllm.start("base", NyxServerTest.ADAPTERS);
    nyx =
        Nyx.start(
            ConfigLoader.load(
                Map.of("port", "0", "llm-url", vllm.baseUrl(), "data-dir", dataDir.toString()),
                Map.of()),
            TestDatabase.fresh());
  }

  @AfterAll
  void stop() {
    if (nyx != null) {
      nyx.close();
      vllm.close();
    }
  }

  @Test
  void theNpmSdkPassesEveryCheckAndItsFieldsArePassedOn() throws Exception {
    Process node =
        new ProcessBuilder("node", "sdk.mjs", "http://127.0.0.1:" + nyx.port() + "/v1")
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            .start();
    node.getOutputStream().close();
    boolean exited = node.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      node.destroyForcibly();
    }
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(exited).as("node sdk.mjs finished within %d s:%n%s", TIMEOUT_SECONDS, out).isTrue();
    assertThat(node.exitValue()).as("node sdk.mjs:%n%s", out).isZero();

    JsonNode sampling =
        vllm.requests().stream()
            .filter(r -> r.path("seed").asLong() == 4242)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no request with the script's seed"));
    assertThat(sampling.get("stop").toString()).isEqualTo("[\"do\"]");
    assertThat(sampling.get("frequency_penalty").asDouble()).isEqualTo(0.5);
    assertThat(sampling.get("presence_penalty").asDouble()).isEqualTo(-0.25);
    assertThat(sampling.get("logit_bias").toString()).isEqualTo("{\"1234\":-100.0}");
    assertThat(sampling.get("user").asText()).isEqualTo("node-sdk");
    assertThat(sampling.get("max_tokens").asInt()).isEqualTo(40);

    List<JsonNode> secondTurns =
        vllm.requests().stream()
            .filter(r -> r.path("messages").toString().contains("\"role\":\"tool\""))
            .toList();
    assertThat(secondTurns).hasSize(1);
    JsonNode history = secondTurns.getFirst().get("messages");
    JsonNode assistant = history.get(history.size() - 2);
    assertThat(assistant.get("content").isNull()).isTrue();
    assertThat(assistant.at("/tool_calls/0/function/name").asText()).isEqualTo("calendar_lookup");
    assertThat(history.get(history.size() - 1).get("tool_call_id").asText())
        .isEqualTo(assistant.at("/tool_calls/0/id").asText());
  }

  /** {@code node --version}, or null when there is no node on the PATH. */
  static String nodeVersion() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
