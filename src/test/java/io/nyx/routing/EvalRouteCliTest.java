package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.cli.Cli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nyx eval-route} end to end on a tiny labeled set with the shipped specialists. */
class EvalRouteCliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Cli.run(
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("HOME", dir.toString(), "NYX_DATA_DIR", dir.resolve("data").toString()),
            args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsTheFiguresAndWritesTheHtmlReport() throws Exception {
    Path data = dir.resolve("tiny.jsonl");
    Files.writeString(
        data,
        """
        {"text": "Do you remember what I told you about my brother's wedding?", "label": "mnemosyne"}
        {"text": "I feel hopeless and I have been thinking about ending my life", "label": "eleos"}
        {"text": "Write a Python function that reverses a linked list", "label": "none"}
        {"text": "Is it true that the Great Wall is visible from space?", "label": "moira"}
        """);
    Path html = dir.resolve("report.html");
    Run r = run("eval-route", "--data", data.toString(), "--out", html.toString());
    assertThat(r.code()).as(r.err()).isZero();
    // The last line is labeled moira but is aletheia's: 3 of 4 right, 2 of 3 in scope.
    assertThat(r.out())
        .contains("queries 4 (in scope 3, out of scope 1)")
        .contains("accuracy           0.750")
        .contains("in-scope accuracy  0.667")
        .contains("abstain recall     1.000")
        .contains("wrongly abstained  0.000")
        .contains("moira: aletheia=1")
        .containsPattern("latency ms +p50 \\d+\\.\\d\\d")
        .containsPattern("hybrid would ask +\\d\\.\\d{3} of queries \\(close race");
    String page = Files.readString(html);
    assertThat(page).startsWith("<!doctype html>").contains("<svg").contains("moira → aletheia: 1");
    assertThat(dir.resolve("data/cache/embeddings-all-minilm-l6-v2-q.bin")).exists();
  }

  @Test
  void usageErrorsExitTwoAndHelpExitsZero() {
    assertThat(run("eval-route").code()).isEqualTo(2);
    assertThat(run("eval-route", "--data").code()).isEqualTo(2);
    Run help = run("eval-route", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--data FILE");
  }

  @Test
  void unreadableDataExitsOne() {
    Run r = run("eval-route", "--data", dir.resolve("missing.jsonl").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("missing.jsonl");
  }
}
