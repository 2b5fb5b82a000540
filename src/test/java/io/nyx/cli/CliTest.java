package io.nyx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** One run's exit code and output. */
  record Run(int code, String out, String err) {
    List<JsonNode> lines() {
      return out.lines().map(CliTest::parse).toList();
    }
  }

  static Run run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Cli.run(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("HOME", "/nonexistent"),
            args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError(line, e);
    }
  }

  @Test
  void exitCodesAndHelp() {
    assertThat(run("").code()).isEqualTo(2);
    assertThat(run("", "--help").code()).isZero();
    Run unknown = run("", "fly");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown command 'fly'");
    for (String cmd : List.of("serve", "ask", "route", "screen")) {
      Run help = run("", cmd, "--help");
      assertThat(help.code()).as(cmd).isZero();
      assertThat(help.out()).contains("Usage: nyx " + cmd);
    }
    Run bad = run("", "route", "--bogus");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown option --bogus");
    assertThat(run("", "ask").code()).isEqualTo(2);
  }

  @Test
  void routeWritesOneDecisionPerLineInOrder() {
    String in =
        """
        {"id": 1, "text": "What did I tell you about my childhood dog?"}
        {"id": "b", "text": "I can't stop crying and I don't know who to talk to"}
        {"id": 3, "text": "Convert this CSV file to JSON in Python"}
        """;
    Run r = run(in, "route");
    assertThat(r.code()).as(r.err()).isZero();
    List<JsonNode> lines = r.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).get("id").asInt()).isEqualTo(1);
    assertThat(lines.get(0).get("specialist").asText()).isEqualTo("mnemosyne");
    assertThat(lines.get(0).get("method").asText()).isEqualTo("semantic");
    assertThat(lines.get(0).get("scores").size()).isEqualTo(5);
    assertThat(lines.get(0).get("confidence").asDouble()).isBetween(0.0, 1.0);
    assertThat(lines.get(1).get("id").asText()).isEqualTo("b");
    assertThat(lines.get(1).get("specialist").asText()).isEqualTo("eleos");
    assertThat(lines.get(2).get("specialist").isNull()).isTrue();
    assertThat(lines.get(2).get("method").asText()).isEqualTo("abstain");
  }

  @Test
  void screenAssessesEachLineInOrderAndReportsBadOnes() {
    String in =
        """
        {"id": 1, "text": "I want to hurt myself tonight, I have the pills ready"}
        {"id": 2, "text": "what will the weather be like in Lisbon tomorrow"}
        not json
        {"id": 4, "text": "my husband hits me when he is drunk and I am afraid to go home"}
        """;
    Run r = run(in, "screen");
    assertThat(r.code()).as("a bad line fails the run").isEqualTo(1);
    List<JsonNode> lines = r.lines();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).get("id").asInt()).isEqualTo(1);
    assertThat(lines.get(0).get("flagged").asBoolean()).isTrue();
    assertThat(lines.get(0).get("category").asText()).isEqualTo("self_harm");
    assertThat(lines.get(0).get("evidence").toString()).contains("hurt myself");
    assertThat(lines.get(0).get("scores").size()).isEqualTo(4);
    assertThat(lines.get(1).get("flagged").asBoolean()).isFalse();
    assertThat(lines.get(1).get("risk").asDouble()).isLessThan(0.35);
    assertThat(lines.get(2).get("error").asText()).contains("malformed");
    assertThat(lines.get(3).get("flagged").asBoolean()).isTrue();
    assertThat(lines.get(3).get("category").asText()).isEqualTo("abuse");
  }

  @Test
  void badLinesAreReportedInPlaceAndFailTheRun() {
    Run r =
        run("{\"id\":1}\nnot json\n{\"id\":2,\"text\":\"remember my password hint?\"}\n", "route");
    assertThat(r.code()).isEqualTo(1);
    List<JsonNode> lines = r.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).get("error").asText()).contains("'text'");
    assertThat(lines.get(1).get("error").asText()).contains("malformed");
    assertThat(lines.get(2).has("specialist")).isTrue();
  }

  @Test
  void routeUsesTheSpecialistsOfTheConfigFile() throws IOException {
    Path config = dir.resolve("two.yaml");
    Files.writeString(
        config,
        """
        specialists:
          - name: billing
            exemplars: ["my invoice is wrong", "I was charged twice", "refund my payment"]
          - name: tech
            exemplars: ["the app crashes on start", "I cannot log in", "error code 500 on upload"]
        """);
    Run r =
        run(
            "{\"id\":1,\"text\":\"why was my card charged two times this month\"}\n",
            "route",
            "--config",
            config.toString());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode line = r.lines().getFirst();
    assertThat(line.get("specialist").asText()).isEqualTo("billing");
    assertThat(line.get("scores").size()).isEqualTo(2);
  }

  @Test
  void keysAreCreatedListedAndRevokedInTheDatabase() {
    String url = io.nyx.testing.TestDatabase.ownerUrl(io.nyx.testing.TestDatabase.createEmpty());
    Run created =
        run("", "keys", "create", "--name", "app", "--scopes", "infer,feedback", "--db-url", url);
    assertThat(created.code()).as(created.err()).isZero();
    String secret =
        created.out().lines().filter(l -> l.startsWith("secret")).findFirst().orElseThrow();
    assertThat(secret).containsPattern("nyx_[A-Za-z0-9_-]{43}$");
    Run list = run("", "keys", "list", "--db-url", url);
    assertThat(list.out()).contains("app").contains("scopes=feedback,infer");
    assertThat(list.out()).doesNotContain(secret.substring(secret.indexOf("nyx_")));
    assertThat(run("", "keys", "create", "--name", "x", "--db-url", url).code()).isEqualTo(2);
    assertThat(run("", "keys", "revoke", "app", "--db-url", url).code()).isZero();
    assertThat(run("", "keys", "revoke", "app", "--db-url", url).code()).isEqualTo(1);
    assertThat(run("", "keys", "list", "--db-url", url).out()).isEmpty();
    assertThat(run("", "keys", "hash", "abc").out().strip())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void configErrorsAreUsageErrors() throws IOException {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "routing:\n  threshold: 7\n");
    Run r = run("", "route", "--config", config.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("routing.threshold");
  }
}
