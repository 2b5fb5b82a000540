package io.nyx.app;

import static io.nyx.testing.ExportRows.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.adapter.AdapterState;
import io.nyx.adapter.AdapterVersion;
import io.nyx.export.ExportSettings;
import io.nyx.memory.Embedder;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcTrainingExport;
import io.nyx.testing.ExportRows;
import io.nyx.testing.PythonTests;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What self-repair's retraining export holds, from rows in PostgreSQL: kairos-v2 was taken out
 * after answering worse than its history (mean 0.9, drop 0.3: answers below 0.6 are poor). Version
 * 1 answered two questions well; version 2 answered one of them badly, one so that a rater
 * corrected it, and one at 0.55 (above the default SFT threshold, below the poor line). Around
 * them: the base model's answer in v2's place, a failed call, another specialist's answer and an
 * answer from before the look-back, none of which may appear.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetrainingExportTest {
  static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  static final Instant NOW = T0.plus(Duration.ofDays(1));
  static final String BASE = "Qwen/Qwen2.5-7B-Instruct";
  static final double POOR_BELOW = 0.6;

  static final String DENTIST = "When is my dentist appointment?";
  static final String BILL = "Remind me to pay the electricity bill on Friday.";
  static final String PASSPORT = "How long until my passport expires?";
  static final String STANDUP = "What time is the team standup tomorrow?";
  static final String CORRECTION =
      "I set a reminder for Friday at 9:00 to pay the electricity bill.";

  static final ObjectMapper JSON = new ObjectMapper();

  Database db;
  Embedder embedder;
  Path dataDir;
  Path export;

  @BeforeAll
  void retrainingExportOfKairosV2(@TempDir Path dir) throws Exception {
    dataDir = dir;
    db = TestDatabase.fresh();
    embedder = new MiniLmEmbedder();
    row(1, 10, "kairos", 1, DENTIST, "ok", "Tuesday at 10:00 with Dr. Weber.", 0.9, false);
    row(2, 11, "kairos", 1, STANDUP, "ok", "At 9:30, in the small meeting room.", 0.8, false);
    row(3, 20, "kairos", 2, DENTIST, "ok", "I cannot know your appointments.", -0.6, false);
    row(4, 21, "kairos", 2, BILL, "ok", "Done.", -0.2, false);
    correction(4, 25, CORRECTION);
    row(5, 22, "kairos", 2, PASSPORT, "ok", "Passports last ten years.", 0.55, false);
    row(6, 23, "kairos", 2, "Is the pharmacy open on Sunday?", "backend_error", "", -1, false);
    row(7, 30, "kairos", null, "Which day is the recycling collected?", "ok", "Monday.", 0.9, true);
    row(
        8,
        12,
        "moira",
        1,
        "Will it rain at the weekend?",
        "ok",
        "Probably on Saturday.",
        0.9,
        false);
    rowAt(9, T0.minus(Duration.ofDays(40)), "kairos", 1, "An old question?", "Old answer.", 0.9);

    RetrainingExport retraining =
        new RetrainingExport(
            new JdbcTrainingExport(db.dataSource(), ExportSettings.DEFAULT, embedder, BASE),
            dataDir.resolve("retrain"),
            InstantSource.fixed(NOW),
            Runnable::run);
    AdapterVersion failed =
        new AdapterVersion(
            "kairos",
            2,
            AdapterVersion.servedName("kairos", 2),
            "/adapters/kairos/v2",
            BASE,
            16,
            T0,
            AdapterState.ACTIVE,
            T0,
            0,
            "",
            "operator",
            Map.of(),
            true);
    export =
        Path.of(
            retraining.prepare(
                failed,
                "self-repair: mean reward 0.1 over the last 50 answers against 0.9",
                Map.of("history_reward_mean", 0.9, "repair_reward_drop", 0.3),
                POOR_BELOW,
                List.of(id(3).toString(), id(4).toString(), id(5).toString(), id(6).toString())));
  }

  @AfterAll
  void close() {
    embedder.close();
    db.close();
  }

  @Test
  void eachKindIsATrainableExportWithItsManifestAndASummaryLast() throws IOException {
    assertThat(export).isEqualTo(dataDir.resolve("retrain").resolve("kairos-20261103T090000Z"));
    try (Stream<Path> files = Files.list(export)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .contains(
              "sft.jsonl",
              "sft.manifest.json",
              "preferences.jsonl",
              "preferences.manifest.json",
              "kto.jsonl",
              "kto.manifest.json",
              "retraining.json")
          .noneMatch(name -> name.endsWith(".part"));
    }
    JsonNode summary = json(export.resolve("retraining.json"));
    assertThat(summary.path("failed_adapter").asText()).isEqualTo("kairos-v2");
    assertThat(summary.path("poor_answer_ids")).hasSize(4);
    assertThat(summary.at("/thresholds/anchor_min_reward").asDouble()).isEqualTo(POOR_BELOW);
    assertThat(summary.at("/thresholds/undesirable_max_reward").asDouble()).isLessThan(POOR_BELOW);
    for (String kind : List.of("sft", "preferences", "kto")) {
      JsonNode manifest = json(export.resolve(kind + ".manifest.json"));
      assertThat(manifest.path("kind").asText()).isEqualTo(kind);
      assertThat(manifest.path("base_model").asText()).isEqualTo(BASE);
      assertThat(manifest.at("/request/specialist").asText()).isEqualTo("kairos");
      assertThat(manifest.at("/request/val_share").asDouble()).isEqualTo(0.1);
      assertThat(manifest.at("/dropped/fallback").asLong()).isEqualTo(1);
      assertThat(manifest.at("/dropped/failed").asLong()).isEqualTo(1);
      assertThat(manifest.path("data_sha256").asText())
          .isEqualTo(summary.at("/exports/" + kind + "/data_sha256").asText())
          .hasSize(64);
      assertThat(summary.at("/exports/" + kind + "/manifest").asText())
          .isEqualTo(kind + ".manifest.json");
      assertThat(summary.at("/exports/" + kind + "/source_adapters"))
          .isEqualTo(manifest.path("source_adapters"));
    }
  }

  @Test
  void sftHoldsTheCorrectionAndTheGoodAnswersAsAnchorsNeverAPoorOne() throws IOException {
    List<JsonNode> sft = lines("sft");
    assertThat(sft)
        .extracting(RetrainingExportTest::completion)
        .containsExactlyInAnyOrder(
            CORRECTION, "Tuesday at 10:00 with Dr. Weber.", "At 9:30, in the small meeting room.");
    assertThat(sft.getFirst().at("/metadata/origin").asText()).isEqualTo("correction");
    // 0.55 passes the default threshold (0.5) but is below the line self-repair drew
    assertThat(json(export.resolve("sft.manifest.json")).at("/request/min_reward").asDouble())
        .isEqualTo(POOR_BELOW);
  }

  @Test
  void ktoLabelsTheAnswersThatWentWrongUndesirable() throws IOException {
    List<String> desirable = new ArrayList<>();
    List<String> undesirable = new ArrayList<>();
    for (JsonNode l : lines("kto")) {
      String text = l.at("/completion/0/content").asText();
      (l.path("label").asBoolean() ? desirable : undesirable).add(text);
    }
    assertThat(desirable)
        .containsExactlyInAnyOrder(
            CORRECTION, "Tuesday at 10:00 with Dr. Weber.", "At 9:30, in the small meeting room.");
    assertThat(undesirable)
        .containsExactlyInAnyOrder(
            "I cannot know your appointments.", "Done.", "Passports last ten years.");
  }

  @Test
  void preferencesPutTheCorrectionAndTheBetterVersionOverWhatWentWrong() throws IOException {
    assertThat(lines("preferences"))
        .extracting(
            l -> l.at("/chosen/0/content").asText() + " > " + l.at("/rejected/0/content").asText())
        .containsExactlyInAnyOrder(
            CORRECTION + " > Done.",
            "Tuesday at 10:00 with Dr. Weber. > I cannot know your appointments.");
  }

  @Test
  void theManifestsNameTheSourceAdapterVersionsFromTheRows() throws IOException {
    // a correction's completion is the rater's, so only stored answers count
    JsonNode sft = json(export.resolve("sft.manifest.json")).path("source_adapters");
    assertThat(sft.toString()).isEqualTo("[{\"adapter\":\"kairos\",\"version\":1,\"answers\":2}]");
    JsonNode kto = json(export.resolve("kto.manifest.json")).path("source_adapters");
    assertThat(kto.toString())
        .isEqualTo(
            "[{\"adapter\":\"kairos\",\"version\":1,\"answers\":2},"
                + "{\"adapter\":\"kairos-v2\",\"version\":2,\"answers\":3}]");
  }

  /** The recipe takes a retraining export as it is: a dry run plans kairos's next version. */
  @Test
  void theTrainingRecipeTakesItsManifest() throws Exception {
    Assumptions.assumeTrue(
        PythonTests.available(), "python3 is not installed: the recipe's dry run did not run");
    Path log = Files.createTempFile(dataDir, "train", ".log");
    Process p =
        new ProcessBuilder(
                "python3",
                "train.py",
                "--export",
                export.resolve("sft.manifest.json").toString(),
                "--version",
                "3",
                "--output",
                dataDir.resolve("adapters/kairos/v3").toString(),
                "--dry-run")
            .directory(Path.of("training").toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("\"trainer\": \"SFTTrainer\"")
        .contains(
            "./nyx adapters register --specialist kairos --version 3 --path "
                + dataDir.resolve("adapters/kairos/v3"));
  }

  private List<JsonNode> lines(String kind) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (Path f : List.of(export.resolve(kind + ".jsonl"), export.resolve(kind + ".val.jsonl"))) {
      if (Files.exists(f)) {
        for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          out.add(JSON.readTree(l));
        }
      }
    }
    out.sort(
        (a, b) ->
            Boolean.compare(
                !a.at("/metadata/origin").asText().equals("correction"),
                !b.at("/metadata/origin").asText().equals("correction")));
    return out;
  }

  private static String completion(JsonNode sftLine) {
    JsonNode messages = sftLine.path("messages");
    return messages.get(messages.size() - 1).path("content").asText();
  }

  private static JsonNode json(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  private void row(
      int n,
      int minute,
      String specialist,
      Integer version,
      String question,
      String status,
      String answer,
      double reward,
      boolean fallback)
      throws Exception {
    String adapter =
        fallback || version == null
            ? BASE
            : version == 1 ? specialist : AdapterVersion.servedName(specialist, version);
    insert(
        n,
        T0.plusSeconds(60L * minute),
        specialist,
        adapter,
        fallback ? null : version,
        question,
        status,
        answer,
        reward,
        fallback ? "{\"method\":\"semantic\",\"fallback\":\"out_of_rotation\"}" : null);
  }

  private void rowAt(
      int n, Instant at, String specialist, int version, String question, String answer, double r)
      throws Exception {
    insert(n, at, specialist, specialist, version, question, "ok", answer, r, null);
  }

  private void insert(
      int n,
      Instant at,
      String specialist,
      String adapter,
      Integer version,
      String question,
      String status,
      String answer,
      double reward,
      String route)
      throws Exception {
    String messages =
        JSON.writeValueAsString(
            List.of(
                Map.of("role", "system", "content", "You are " + specialist + "."),
                Map.of("role", "user", "content", question)));
    ExportRows.insert(
        db.dataSource(),
        new ExportRows.Row(
            id(n),
            at,
            "session-" + n,
            question,
            specialist,
            adapter,
            version,
            route == null ? "{\"method\":\"semantic\"}" : route,
            messages,
            answer,
            reward,
            status));
  }

  private void correction(int row, int minute, String text) throws SQLException {
    ExportRows.correction(
        db.dataSource(), id(100 + row), id(row), T0.plusSeconds(60L * minute), text);
  }
}
