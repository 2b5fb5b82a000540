package io.nyx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.PythonTests;
import io.nyx.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning data from rows the real pipeline wrote (HTTP, the fake vLLM, PostgreSQL), rewards
 * moved by {@code POST /feedback} (one with a correction): {@code GET /export/{kind}} and {@code
 * nyx export} against a filter of the table written out in SQL here, and the training recipe's
 * Python tests on the files the command writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DENTIST = "When is my dentist appointment?";

  @TempDir static Path dataDir;
  NyxFixture fx;
  String url;
  String good;
  String bad;
  String other;
  static final String CORRECTION = "No: it is far too narrow to see from orbit.";

  @BeforeAll
  void answerAndRate() {
    fx = NyxFixture.start(dataDir);
    url = TestDatabase.ownerUrlOf(fx.nyx().database().jdbcUrl());
    AtomicInteger n = new AtomicInteger();
    fx.vllm()
        .reply(
            (model, req) -> {
              String asked = req.toString();
              if (asked.contains("Say it twice")) {
                return "the same words both times";
              }
              return asked.contains("Answer with nothing")
                  ? ""
                  : "[" + model + "] answer number " + n.incrementAndGet();
            });
    good = infer(DENTIST, "kairos");
    bad = infer(DENTIST, "kairos");
    other = infer("Is the Great Wall visible from space?", "aletheia");
    infer("What could happen if I quit my job?", "moira"); // asked once: no pair
    feedback(good, 1);
    feedback(bad, -1);
    String same = infer("Say it twice, please", "kairos"); // a big gap, the same text: no pair
    feedback(infer("Say it twice, please", "kairos"), -1);
    feedback(same, 1);
    infer("Plan my morning around the school run", "kairos"); // twice, equal rewards: no pair
    infer("Plan my morning around the school run", "kairos");
    infer("Answer with nothing at all", "moira"); // an empty answer is no training example
    Reply corrected =
        fx.http()
            .post(
                "/feedback",
                "{\"query_id\":\""
                    + other
                    + "\",\"rating\":-1,\"correction\":\""
                    + CORRECTION
                    + "\"}");
    assertThat(corrected.status()).as(corrected.body()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void sftHoldsEachCorrectionThenEveryOtherAnswerAtOrAboveTheRewardOncePerQuestion()
      throws Exception {
    for (double min : new double[] {-1, 0, 0.5, 0.95}) {
      List<JsonNode> lines = lines(get("/export/sft?min_reward=" + min));
      assertThat(ids(lines, "/metadata/id")).as("min_reward " + min).isEqualTo(expectedSft(min));
    }
    JsonNode line =
        lines(get("/export/sft?min_reward=0.9")).stream()
            .filter(l -> l.at("/metadata/id").asText().equals(good))
            .findFirst()
            .orElseThrow();
    JsonNode messages = line.get("messages");
    assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
    assertThat(messages.get(1).get("role").asText()).isEqualTo("user");
    assertThat(messages.get(1).get("content").asText()).contains(DENTIST);
    JsonNode last = messages.get(messages.size() - 1);
    assertThat(last.get("role").asText()).isEqualTo("assistant");
    assertThat(last.get("content").asText()).isEqualTo(response(good));
    assertThat(line.at("/metadata/specialist").asText()).isEqualTo("kairos");
    assertThat(line.at("/metadata/reward").asDouble()).isEqualTo(reward(good));
    JsonNode correction = lines(get("/export/sft?specialist=aletheia")).getFirst();
    assertThat(correction.at("/metadata/origin").asText()).isEqualTo("correction");
    assertThat(correction.at("/messages/2/content").asText()).isEqualTo(CORRECTION);
  }

  @Test
  void aCorrectionIsPreferredOverTheAnswerItCorrects() throws Exception {
    List<JsonNode> pairs = lines(get("/export/preferences?specialist=aletheia"));
    assertThat(pairs).hasSize(1);
    assertThat(pairs.getFirst().at("/chosen/0/content").asText()).isEqualTo(CORRECTION);
    assertThat(pairs.getFirst().at("/rejected/0/content").asText()).isEqualTo(response(other));
    assertThat(pairs.getFirst().at("/metadata/rejected_id").asText()).isEqualTo(other);
    List<JsonNode> kto = lines(get("/export/kto?specialist=aletheia"));
    assertThat(kto)
        .extracting(l -> l.at("/completion/0/content").asText(), l -> l.get("label").asBoolean())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(CORRECTION, true),
            org.assertj.core.groups.Tuple.tuple(response(other), false));
    Reply blank =
        fx.http()
            .post(
                "/feedback", "{\"query_id\":\"" + other + "\",\"rating\":1,\"correction\":\" \"}");
    assertBad(blank, "correction");
  }

  @Test
  void openAiLinesHoldOnlyTheKeysItsSchemaDocuments() throws Exception {
    for (JsonNode l : lines(get("/export/sft?format=openai&min_reward=-1"))) {
      assertThat(fieldNames(l)).containsExactly("messages");
    }
    List<JsonNode> pairs = lines(get("/export/preferences?format=openai"));
    assertThat(pairs).isNotEmpty();
    for (JsonNode l : pairs) {
      assertThat(fieldNames(l))
          .containsExactly("input", "preferred_output", "non_preferred_output");
      assertThat(l.get("preferred_output")).hasSize(1);
      assertThat(l.get("non_preferred_output")).hasSize(1);
    }
    assertBad(get("/export/kto?format=openai"), "format");
    assertBad(get("/export/sft?format=csv"), "format");
    assertBad(get("/export/kto?min_reward=0.2&max_reward=0.4"), "max_reward");
    assertBad(get("/export/sft?split=validation"), "split");
  }

  @Test
  void partsSplitByConversationWithAManifestThatHashesThem() throws Exception {
    Path out = dataDir.resolve("split/sft.jsonl");
    Files.createDirectories(out.getParent());
    CliRun r =
        run(
            "export",
            "sft",
            "--db-url",
            url,
            "--min-reward",
            "-1",
            "--val-share",
            "0.5",
            "--seed",
            "3",
            "--out",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    Path val = out.resolveSibling("sft.val.jsonl");
    Path manifest = out.resolveSibling("sft.manifest.json");
    JsonNode m = JSON.readTree(Files.readString(manifest));
    String train = Files.readString(out);
    String validation = Files.readString(val);
    assertThat(m.at("/counts/train").asLong()).isEqualTo(train.lines().count());
    assertThat(m.at("/counts/validation").asLong()).isEqualTo(validation.lines().count());
    assertThat(m.at("/files/0/sha256").asText()).isEqualTo(sha256(out));
    assertThat(m.at("/files/1/path").asText()).isEqualTo("sft.val.jsonl");
    assertThat(m.at("/files/1/sha256").asText()).isEqualTo(sha256(val));
    assertThat(m.at("/dropped/empty").asLong()).isEqualTo(1);
    assertThat(m.at("/filters/near_duplicates/threshold").asDouble()).isEqualTo(0.95);
    assertThat(m.at("/base_model").isNull()).isTrue();
    // Together the parts are the whole export; the endpoint serves each part alike.
    List<String> all = new ArrayList<>(train.lines().toList());
    all.addAll(validation.lines().toList());
    assertThat(all)
        .containsExactlyInAnyOrderElementsOf(
            get("/export/sft?min_reward=-1").body().lines().toList());
    assertThat(get("/export/sft?min_reward=-1&val_share=0.5&seed=3&split=validation").body())
        .isEqualTo(validation);
    // Every turn of a session lands on one side.
    assertThat(validation.lines().map(l -> conversation(l)).toList())
        .doesNotContainAnyElementsOf(train.lines().map(l -> conversation(l)).toList());
    assertThat(run("export", "sft", "--db-url", url, "--val-share", "0.5").code()).isEqualTo(2);
    assertThat(run("export", "kto", "--db-url", url, "--format", "openai").code()).isEqualTo(2);
  }

  /**
   * The training recipe's own tests ({@code training/tests}, standard library only) read the files
   * this command writes, in every kind and format, through the recipe's loader and argument
   * handling. PEFT, TRL and torch are not installed here, so the training itself does not run.
   */
  @Test
  void theTrainingRecipeReadsTheseExports() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        PythonTests.available(),
        "python3 is not installed: the training recipe's tests did not run");
    Path dir = dataDir.resolve("recipe");
    Files.createDirectories(dir);
    String[][] exports = {
      {"sft", "trl", "--min-reward", "-1"},
      {"sft", "openai", "--min-reward", "-1"},
      {"preferences", "trl", "--min-gap", "0.5"},
      {"preferences", "openai", "--min-gap", "0.5"},
      {"kto", "trl", "--min-reward", "0.5"},
    };
    for (String[] e : exports) {
      CliRun r =
          run(
              "export",
              e[0],
              "--format",
              e[1],
              e[2],
              e[3],
              "--db-url",
              url,
              "--val-share",
              "0.3",
              "--base-model",
              "Qwen/Qwen2.5-7B-Instruct",
              "--out",
              dir.resolve(e[0] + "-" + e[1] + ".jsonl").toString());
      assertThat(r.code()).as(r.err()).isZero();
    }
    PythonTests.Result result = PythonTests.run(dir);
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("OK").doesNotContain("NYX_EXPORT_DIR is not set");
  }

  @Test
  void preferencesPairTheBestAndWorstAnswerToTheSameQuery() throws Exception {
    List<JsonNode> pairs = lines(get("/export/preferences?min_gap=0.5&specialist=kairos"));
    assertThat(pairs).hasSize(1);
    JsonNode pair = pairs.getFirst();
    assertThat(pair.at("/metadata/chosen_id").asText()).isEqualTo(good);
    assertThat(pair.at("/metadata/rejected_id").asText()).isEqualTo(bad);
    assertThat(pair.at("/chosen/0/content").asText()).isEqualTo(response(good));
    assertThat(pair.at("/rejected/0/content").asText()).isEqualTo(response(bad));
    assertThat(pair.at("/prompt/1/content").asText()).contains(DENTIST);
    assertThat(pair.get("prompt")).isEqualTo(JSON.readTree(column(good, "messages::text")));
    assertThat(lines(get("/export/preferences?specialist=kairos"))).hasSize(1);
    assertThat(lines(get("/export/preferences?since=2999-01-01"))).isEmpty();
    double gap = reward(good) - reward(bad);
    assertThat(lines(get("/export/preferences?specialist=kairos&min_gap=" + (gap + 0.01))))
        .isEmpty();
    assertThat(lines(get("/export/preferences?specialist=moira"))).isEmpty();
  }

  @Test
  void filtersBySpecialistAndTime() throws Exception {
    // The aletheia answer was corrected: its correction stands in for it.
    assertThat(ids(lines(get("/export/sft?specialist=aletheia&min_reward=-1")), "/metadata/id"))
        .containsExactly(other);
    assertThat(lines(get("/export/sft?min_reward=-1&since=2999-01-01"))).isEmpty();
  }

  @Test
  void badParametersAreNamed() {
    assertBad(get("/export/everything"), "kind");
    assertBad(get("/export/sft?min_reward=3"), "min_reward");
    assertBad(get("/export/preferences?min_gap=0"), "min_gap");
    assertBad(get("/export/sft?since=yesterday"), "since");
    assertBad(get("/export/sft?limit=5"), "limit");
    assertBad(get("/export/sft?min_gap=0.5"), "min_gap"); // a pair's parameter, not an SFT one
  }

  @Test
  void theCommandWritesWhatTheEndpointServes() throws Exception {
    Path file = dataDir.resolve("pairs.jsonl");
    CliRun r = run("export", "preferences", "--db-url", url, "--out", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("2 preferences lines");
    assertThat(Files.readString(file)).isEqualTo(get("/export/preferences").body());
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)))
        .as("readable by a training job running as another user")
        .isEqualTo("rw-r--r--");
    try (var left = Files.list(dataDir)) {
      assertThat(left.map(Path::toString)).noneMatch(n -> n.endsWith(".part"));
    }
    CliRun sft = run("export", "sft", "--db-url", url, "--min-reward", "-1", "--since", "1d");
    assertThat(sft.code()).as(sft.err()).isZero();
    assertThat(sft.out()).isEqualTo(get("/export/sft?min_reward=-1&since=1d").body());
    assertThat(run("export", "sft", "--db-url", url, "--min-reward", "2").code()).isEqualTo(2);
    Path outside = dataDir.resolve("outside.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      lines.append("{\"messages\":[{\"role\":\"user\",\"content\":\"q").append(i);
      lines.append("\"},{\"role\":\"assistant\",\"content\":\"a\"}]}\n");
    }
    Files.writeString(outside, lines);
    CliRun mixed =
        run(
            "export",
            "sft",
            "--db-url",
            url,
            "--min-reward",
            "-1",
            "--mix",
            outside.toString(),
            "--mix-ratio",
            "0.5");
    assertThat(mixed.code()).as(mixed.err()).isZero();
    int own = lines(get("/export/sft?min_reward=-1")).size();
    assertThat(mixed.out().lines())
        .as(mixed.err())
        .hasSize(2 * own)
        .startsWith(sft.out().lines().toArray(String[]::new));
    assertThat(mixed.err()).contains(own + " of Nyx's lines, " + own + " from");
    assertThat(run("export", "everything", "--db-url", url).code()).isEqualTo(2);
  }

  private Reply get(String path) {
    return fx.http().get(path);
  }

  private static void assertBad(Reply r, String param) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().at("/error/param").asText()).isEqualTo(param);
  }

  private static List<JsonNode> lines(Reply r) throws Exception {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/x-ndjson");
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (!line.isEmpty()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  private static List<String> ids(List<JsonNode> lines, String pointer) {
    return lines.stream().map(l -> l.at(pointer).asText()).toList();
  }

  /**
   * The slow reference: the corrected rows (their corrections, oldest first), then the answered,
   * uncorrected rows with at least this reward, best first, each question of a specialist once (the
   * fake's answers are short and the questions far apart, so a near duplicate here is an identical
   * question).
   */
  private List<String> expectedSft(double min) throws SQLException {
    List<String> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    try (Connection c = fx.nyx().database().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT q.id, q.specialist, q.query FROM nyx_feedback f"
                    + " JOIN nyx_synthetic_specialist_queries q ON q.id = f.query_id"
                    + " WHERE f.correction IS NOT NULL ORDER BY f.created_at, f.id")) {
      collect(s, out, seen);
    }
    try (Connection c = fx.nyx().database().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, specialist, query FROM nyx_synthetic_specialist_queries q"
                    + " WHERE status = 'ok' AND response <> '' AND reward >= ?"
                    + " AND NOT EXISTS (SELECT 1 FROM nyx_feedback f WHERE f.query_id = q.id"
                    + " AND f.correction IS NOT NULL)"
                    + " ORDER BY reward DESC, created_at, id")) {
      s.setDouble(1, min);
      collect(s, out, seen);
    }
    return out;
  }

  private static void collect(PreparedStatement s, List<String> out, java.util.Set<String> seen)
      throws SQLException {
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        if (seen.add(rs.getString(2) + "\u0000" + rs.getString(3))) {
          out.add(rs.getString(1));
        }
      }
    }
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** A line's conversation as the split sees it here: its first user message. */
  private static String conversation(String line) {
    try {
      return JSON.readTree(line).at("/messages/1/content").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private String response(String id) throws SQLException {
    return column(id, "response");
  }

  private double reward(String id) throws SQLException {
    return Double.parseDouble(column(id, "reward::text"));
  }

  private String column(String id, String expr) throws SQLException {
    try (Connection c = fx.nyx().database().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT " + expr + " FROM nyx_synthetic_specialist_queries WHERE id = ?::uuid")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }

  private String infer(String query, String specialist) {
    Reply r =
        fx.http()
            .post("/infer", "{\"query\":\"" + query + "\",\"specialist\":\"" + specialist + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asText();
  }

  private void feedback(String id, double rating) {
    Reply r =
        fx.http().post("/feedback", "{\"query_id\":\"" + id + "\",\"rating\":" + rating + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }
}
