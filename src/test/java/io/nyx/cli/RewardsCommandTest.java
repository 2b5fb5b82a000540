package io.nyx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nyx.export.Since;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nyx rewards recompute} over rows the real pipeline wrote (through HTTP, the fake vLLM and
 * PostgreSQL), with feedback given through {@code POST /feedback}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RewardsCommandTest {
  @TempDir static Path dataDir;
  NyxFixture fx;
  String url;
  Map<String, Double> live;

  @BeforeAll
  void answerRateAndFail() {
    fx = NyxFixture.start(dataDir);
    url = TestDatabase.ownerUrlOf(fx.nyx().database().jdbcUrl());
    String kairos =
        infer("{\"query\":\"When is my dentist appointment?\",\"specialist\":\"kairos\"}");
    infer("{\"query\":\"Is the Great Wall visible from space?\",\"specialist\":\"aletheia\"}");
    infer("{\"query\":\"What did I say about my sister's wedding?\"}");
    feedback(kairos, 1);
    feedback(kairos, -0.5);
    fx.vllm().failNext(400, "BadRequestError", "prompt too long");
    Reply failed = fx.http().post("/infer", "{\"query\":\"hi\",\"specialist\":\"moira\"}");
    assertThat(failed.status()).isEqualTo(400); // a request error of the backend: not retried
    Reply refused =
        fx.http()
            .post(
                "/feedback",
                "{\"query_id\":\"" + failed.header("X-Nyx-Query-Id") + "\",\"rating\":0.6}");
    assertThat(refused.status()).as("a failed request has no answer to rate").isEqualTo(409);
    live = rewards();
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void theLiveRewardsAreWhatTheCurrentFunctionGives() {
    CliRun r = run("rewards", "recompute", "--since", "1d", "--db-url", url);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(": 4 rows, 0 changed (1 rated)").contains("0 rows written");
    assertThat(r.out().lines()).as("the summary, once").hasSize(1);
    assertThat(r.err()).as("no progress for a single page").isEmpty();
    assertThat(rewards()).isEqualTo(live);
  }

  /**
   * The shipped five with Aletheia's own weights (confidence counts half): only Aletheia's row
   * scores differently; a change of the shared weights moves every answered row.
   */
  @Test
  void eachSpecialistIsRescoredWithItsOwnWeights() throws java.io.IOException {
    String shipped;
    try (var in = getClass().getResourceAsStream("/io/nyx/config/specialists.yaml")) {
      shipped = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Path own = dataDir.resolve("aletheia-weights.yaml");
    java.nio.file.Files.writeString(
        own,
        shipped.replace(
            "  - name: aletheia\n", "  - name: aletheia\n    reward: {confidence: 0.5}\n"));
    CliRun r =
        run(
            "rewards",
            "recompute",
            "--since",
            "1d",
            "--dry-run",
            "--db-url",
            url,
            "--config",
            own.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(": 4 rows, 1 changed");
    Path shared = dataDir.resolve("shared-weights.yaml");
    java.nio.file.Files.writeString(shared, "rewards:\n  confidence: 0.5\n");
    CliRun all =
        run(
            "rewards",
            "recompute",
            "--since",
            "1d",
            "--dry-run",
            "--db-url",
            url,
            "--config",
            shared.toString());
    assertThat(all.out()).contains(": 4 rows, 3 changed");
    assertThat(rewards()).isEqualTo(live); // dry runs
  }

  @Test
  void rewardsFromAnOlderFunctionAreRecomputedKeepingFeedback() throws SQLException {
    // an "older function": every reward 0.25 lower and its components gone
    sql(
        "UPDATE nyx_synthetic_specialist_queries SET reward = reward - 0.25,"
            + " route = route - 'reward_components'");
    Map<String, Double> tampered = rewards();
    CliRun dry = run("rewards", "recompute", "--since", "1d", "--dry-run", "--db-url", url);
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains(": 4 rows, 4 changed (1 rated)").contains("dry run");
    assertThat(rewards()).isEqualTo(tampered);

    CliRun real = run("rewards", "recompute", "--since", "1d", "--batch", "3", "--db-url", url);
    assertThat(real.code()).as(real.err()).isZero();
    assertThat(real.err()).isEqualTo("\rrecomputing: 3 rows so far...\n");
    double meanOld = tampered.values().stream().mapToDouble(d -> d).average().orElseThrow();
    double meanNew = live.values().stream().mapToDouble(d -> d).average().orElseThrow();
    assertThat(real.out())
        .contains(
            String.format(java.util.Locale.ROOT, "mean reward %.4f -> %.4f", meanOld, meanNew))
        .contains("4 changed")
        .contains("4 rows written");
    rewards().forEach((id, r) -> assertThat(r).as(id).isCloseTo(live.get(id), within(1e-9)));
    assertThat(
            scalar(
                "SELECT count(*) FROM nyx_synthetic_specialist_queries"
                    + " WHERE status = 'ok' AND route ? 'reward_components'"))
        .isEqualTo(3);
  }

  @Test
  void onlyRowsSinceTheGivenTimeAreTouchedAcrossPartitions() throws SQLException {
    sql(
        "UPDATE nyx_synthetic_specialist_queries SET reward = 0.123,"
            + " created_at = '2020-03-01T00:00:00Z' WHERE specialist = 'aletheia'");
    CliRun recent = run("rewards", "recompute", "--since", "2020-03-02", "--db-url", url);
    assertThat(recent.out()).contains(": 3 rows, 0 changed");
    assertThat(
            scalar(
                "SELECT reward FROM nyx_synthetic_specialist_queries"
                    + " WHERE specialist = 'aletheia'"))
        .isEqualTo(0.123);
    CliRun all =
        run(
            "rewards",
            "recompute",
            "--since",
            "2020-02-29T00:00:00Z",
            "--batch",
            "1",
            "--db-url",
            url);
    assertThat(all.out()).contains(": 4 rows, 1 changed (1 rated)");
    sql(
        "UPDATE nyx_synthetic_specialist_queries SET created_at = now()"
            + " WHERE specialist = 'aletheia'");
    assertThat(rewards()).isEqualTo(live);
  }

  @Test
  void usageAndFailuresHaveTheirExitCodes() {
    CliRun bad = run("rewards", "recompute", "--since", "last tuesday", "--db-url", url);
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--since must be").contains("'last tuesday'");
    assertThat(run("rewards", "recompute", "--db-url", url).err()).contains("--since is required");
    assertThat(run("rewards", "--since", "7d").code()).isEqualTo(2);
    assertThat(run("rewards", "--help").out()).contains("--dry-run").contains("half_life_s");
    CliRun down =
        run(
            "rewards",
            "recompute",
            "--since",
            "7d",
            "--db-url",
            "jdbc:postgresql://127.0.0.1:1/nyx?user=nyx&connectTimeout=1");
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.err()).isNotBlank();
  }

  @Test
  void sinceAcceptsDatesDateTimesAndDurations() {
    Instant now = Instant.parse("2026-05-10T12:00:00Z");
    assertThat(Since.parse("7d", now)).isEqualTo(Instant.parse("2026-05-03T12:00:00Z"));
    assertThat(Since.parse("90s", now)).isEqualTo(Instant.parse("2026-05-10T11:58:30Z"));
    assertThat(Since.parse("PT12H", now)).isEqualTo(Instant.parse("2026-05-10T00:00:00Z"));
    assertThat(Since.parse("2026-05-01", now)).isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
    assertThat(Since.parse("2026-05-01T10:00:00+02:00", now))
        .isEqualTo(Instant.parse("2026-05-01T08:00:00Z"));
  }

  private String infer(String body) {
    Reply r = fx.http().post("/infer", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asText();
  }

  private void feedback(String id, double rating) {
    Reply r =
        fx.http().post("/feedback", "{\"query_id\":\"" + id + "\",\"rating\":" + rating + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private Map<String, Double> rewards() {
    Map<String, Double> m = new TreeMap<>();
    try (Connection c = fx.nyx().database().dataSource().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT id, reward FROM nyx_synthetic_specialist_queries")) {
      while (rs.next()) {
        m.put(rs.getString(1), rs.getDouble(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return m;
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = fx.nyx().database().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  private double scalar(String query) throws SQLException {
    try (Connection c = fx.nyx().database().dataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery(query)) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }
}
