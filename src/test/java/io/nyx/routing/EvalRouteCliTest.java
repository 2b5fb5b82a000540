package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nyx eval-route} end to end on a tiny labeled set with the shipped specialists. */
class EvalRouteCliTest {
  @TempDir Path dir;

  private CliRun run(String... args) {
    return CliRun.of(
        Map.of("HOME", dir.toString(), "NYX_DATA_DIR", dir.resolve("data").toString()), args);
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
    CliRun r = run("eval-route", "--data", data.toString(), "--out", html.toString());
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
    CliRun help = run("eval-route", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--data FILE");
  }

  @Test
  void unreadableDataExitsOne() {
    CliRun r = run("eval-route", "--data", dir.resolve("missing.jsonl").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("missing.jsonl");
  }
}
