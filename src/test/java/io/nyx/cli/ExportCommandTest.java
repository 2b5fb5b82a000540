package io.nyx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
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
 * moved by {@code POST /feedback}: {@code GET /export/{kind}} and {@code nyx export} against a
 * filter of the table written out in SQL here.
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
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void sftHoldsEveryAnswerAtOrAboveTheRewardAsTheChatTheAdapterSaw() throws Exception {
    for (double min : new double[] {-1, 0, 0.5, 0.95}) {
      List<JsonNode> lines = lines(get("/export/sft?min_reward=" + min));
      assertThat(ids(lines, "/metadata/id")).as("min_reward " + min).isEqualTo(rowsAtLeast(min));
    }
    JsonNode line = lines(get("/export/sft?min_reward=0.9")).getFirst();
    JsonNode messages = line.get("messages");
    assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
    assertThat(messages.get(1).get("role").asText()).isEqualTo("user");
    assertThat(messages.get(1).get("content").asText()).contains(DENTIST);
    JsonNode last = messages.get(messages.size() - 1);
    assertThat(last.get("role").asText()).isEqualTo("assistant");
    assertThat(last.get("content").asText()).isEqualTo(response(good));
    assertThat(line.at("/metadata/specialist").asText()).isEqualTo("kairos");
    assertThat(line.at("/metadata/reward").asDouble()).isEqualTo(reward(good));
  }

  @Test
  void preferencesPairTheBestAndWorstAnswerToTheSameQuery() throws Exception {
    List<JsonNode> pairs = lines(get("/export/preferences?min_gap=0.5"));
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
    assertThat(lines(get("/export/preferences?min_gap=" + (gap + 0.01)))).isEmpty();
    assertThat(lines(get("/export/preferences?specialist=aletheia"))).isEmpty();
  }

  @Test
  void filtersBySpecialistAndTime() throws Exception {
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
    assertThat(r.err()).contains("1 preferences lines");
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

  /** The slow reference: answered rows with at least this reward, oldest first. */
  private List<String> rowsAtLeast(double min) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = fx.nyx().database().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id FROM nyx_synthetic_specialist_queries WHERE status = 'ok'"
                    + " AND response <> '' AND reward >= ? ORDER BY created_at, id")) {
      s.setDouble(1, min);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
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
