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
  void theLearnedExemplarCurveStartsFromTheConfiguredExemplars() throws Exception {
    Path stream = dir.resolve("stream.jsonl");
    Files.writeString(
        stream,
        """
        {"text": "is the ring road jammed, should I take the train to the airport", "label": "kairos"}
        {"text": "what are the odds it rains at the barbecue on saturday", "label": "moira"}
        """);
    Path test = dir.resolve("test.jsonl");
    Files.writeString(
        test,
        """
        {"text": "the ring road is jammed, will I make my flight", "label": "kairos"}
        {"text": "Write a Python function that reverses a linked list", "label": "none"}
        """);
    CliRun r =
        run(
            "eval-route",
            "--data",
            test.toString(),
            "--learn-from",
            stream.toString(),
            "--events",
            "2",
            "--every",
            "1");
    assertThat(r.code()).as(r.err()).isZero();
    // A point before any event and after each: in-scope accuracy, wrong abstentions, the share
    // of out-of-scope lines abstained on (the Python question is) and the threshold.
    assertThat(r.out().lines()).hasSize(4).first().asString().startsWith("events  learned");
    assertThat(r.out().lines().toList().get(2))
        .matches(" +1 +1 +[01]\\.\\d{3} +[01]\\.\\d{3} +1\\.000 +0\\.\\d{3}");
    assertThat(
            run(
                    "eval-route",
                    "--data",
                    test.toString(),
                    "--learn-from",
                    stream.toString(),
                    "--every",
                    "0")
                .code())
        .isEqualTo(2);
  }

  @Test
  void conversationsCompareFollowUpsWithTheLastMessageAlone() throws Exception {
    Path dialogues = dir.resolve("dialogues.jsonl");
    Files.writeString(
        dialogues,
        """
        {"id": "a", "turns": [{"text": "I have a flight at 6pm tomorrow, when should I leave for the airport?", "label": "kairos"}, {"text": "and what if there is traffic?", "label": "kairos"}]}
        {"id": "b", "turns": [{"text": "I have a flight at 6pm tomorrow, when should I leave for the airport?", "label": "kairos"}, {"text": "I feel anxious and can't sleep, can you help me calm down?", "label": "eleos"}]}
        """);
    CliRun r = run("eval-route", "--data", dialogues.toString(), "--conversations");
    assertThat(r.code()).as(r.err()).isZero();
    // Dialogue a is the even half (a keep), b the odd one (a switch).
    assertThat(r.out())
        .contains("even dialogues (tune)")
        .containsPattern(
            "turns that keep the domain +1 +follow-up 1\\.000 +last message alone 0\\.000")
        .contains("odd dialogues (report)")
        .containsPattern(
            "turns that switch domain +1 +follow-up 1\\.000 +last message alone 1\\.000");
    assertThat(
            run(
                    "eval-route",
                    "--data",
                    dialogues.toString(),
                    "--conversations",
                    "--topic-margin",
                    "2")
                .code())
        .isEqualTo(2);
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
