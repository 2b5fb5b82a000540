package io.nyx.app;

import static io.nyx.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.ServerTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole request path through real HTTP, a real PostgreSQL and the fake vLLM server. */
class NyxServerTest extends ServerTest {
  static final List<String> ADAPTERS = NyxFixture.ADAPTERS;

  @Test
  void inferRoutesCallsTheAdapterAndRecordsTheRow() throws SQLException {
    Reply r =
        http.post(
            "/infer", "{\"query\":\"What did I tell you about my sister's wedding last spring?\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("specialist").asText()).isEqualTo("mnemosyne");
    assertThat(j.get("adapter").asText()).isEqualTo("mnemosyne");
    assertThat(j.at("/route/method").asText()).as(r.body()).isEqualTo("semantic");
    assertThat(j.at("/route/scores").size()).isEqualTo(5);
    assertThat(j.get("answer").asText()).contains("[mnemosyne]");
    assertThat(j.get("confidence").asDouble()).isCloseTo(Math.exp(-0.05), within(1e-9));
    assertThat(j.at("/usage/completion_tokens").asInt()).isPositive();
    assertThat(r.header("X-Nyx-Query-Id")).isEqualTo(j.get("id").asText());

    JsonNode sent = vllm.requests().getLast();
    assertThat(sent.get("model").asText()).isEqualTo("mnemosyne");
    assertThat(sent.get("logprobs").asBoolean()).isTrue();
    assertThat(sent.has("temperature") && sent.has("top_p") && sent.has("max_tokens")).isTrue();
    assertThat(sent.toString()).doesNotContain("guided_");

    Map<String, Object> row = row(j.get("id").asText());
    assertThat(row.get("specialist")).isEqualTo("mnemosyne");
    assertThat(row.get("status")).isEqualTo("ok");
    assertThat(row.get("route_method")).isEqualTo("semantic");
    assertThat(row.get("response")).isEqualTo(j.get("answer").asText());
    assertThat(((Number) row.get("completion_tokens")).intValue())
        .isEqualTo(j.at("/usage/completion_tokens").asInt());
    assertThat(((Number) row.get("reward")).doubleValue())
        .isCloseTo(j.get("reward").asDouble(), within(1e-9));
  }

  @Test
  void forcedSpecialistSkipsRouting() {
    Reply r =
        http.post(
            "/infer", "{\"query\":\"hello there\",\"specialist\":\"kairos\",\"max_tokens\":16}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/route/method").asText()).isEqualTo("forced");
    assertThat(vllm.requests().getLast().get("max_tokens").asInt()).isEqualTo(16);
    assertThat(vllm.requests().getLast().get("model").asText()).isEqualTo("kairos");
    assertThat(vllm.requests().getLast().at("/messages/0/content").asText())
        .contains("Current time:");
  }

  @Test
  void unrelatedQueryAbstainsToTheBaseModel() {
    Reply r =
        http.post(
            "/infer", "{\"query\":\"How many grams of flour go into a sourdough baguette?\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().get("specialist").isNull()).isTrue();
    assertThat(r.json().at("/route/method").asText()).isEqualTo("abstain");
    assertThat(r.json().at("/route/abstain_reason").asText()).isNotBlank();
    assertThat(vllm.requests().getLast().has("model")).isFalse();
  }

  @Test
  void badInputGetsA400NamingTheFieldAndWritesNothing() throws SQLException {
    long before = count();
    assertError(http.post("/infer", "{}"), 400, "query");
    assertError(http.post("/infer", "{\"query\": 42}"), 400, "query");
    assertError(
        http.post("/infer", "{\"query\": \"hi\", \"max_tokens\": \"many\"}"), 400, "max_tokens");
    assertError(
        http.post("/infer", "{\"query\": \"hi\", \"specialist\": \"hermes\"}"), 400, "specialist");
    assertError(http.post("/infer", "{\"query\": \"hi\", \"colour\": 1}"), 400, "colour");
    assertError(http.post("/infer", "{\"query\": \"hi\""), 400, "body");
    assertError(http.post("/infer", "[1,2]"), 400, "body");
    assertThat(count()).isEqualTo(before);
  }

  @Test
  void hugeBodyIsRefused() throws SQLException {
    long before = count();
    String big = "{\"query\":\"" + "a".repeat(2 << 20) + "\"}";
    assertError(http.postExpectContinue("/infer", big), 413, "body");
    assertError(http.get("/nowhere"), 404, "path");
    assertError(http.put("/infer", "{}"), 405, "method");
    String longQuery = "{\"query\":\"" + "a".repeat(40_000) + "\"}";
    assertError(http.post("/infer", longQuery), 400, "query");
    assertThat(count()).isEqualTo(before);
  }

  @Test
  void feedbackUpdatesRewardAndMovesTheTraitWeight() throws SQLException {
    JsonNode answer =
        http.post(
                "/infer",
                "{\"query\":\"Is it true that the Great Wall is visible from space?\",\"specialist\":\"aletheia\"}")
            .json();
    String id = answer.get("id").asText();
    Reply fb =
        http.post(
            "/feedback", "{\"query_id\":\"" + id + "\",\"rating\":1,\"comment\":\"spot on\"}");
    assertThat(fb.status()).as(fb.body()).isEqualTo(200);
    assertThat(fb.json().at("/trait/name").asText()).isEqualTo("aletheia");
    double[] change = lastChange("aletheia", "feedback");
    assertThat(change[1]).as("a thumbs-up raises the weight").isGreaterThan(change[0]);
    assertThat(fb.json().at("/trait/weight").asDouble()).isCloseTo(change[1], within(1e-12));
    double expected = 0.3 * answer.get("reward").asDouble() + 0.7;
    assertThat(((Number) row(id).get("reward")).doubleValue()).isCloseTo(expected, within(1e-9));
    assertThat(http.get("/traits").json().get("traits").size()).isEqualTo(5);
  }

  @Test
  void answersRewardTheSpecialistThroughItsPosterior() {
    http.post("/infer", "{\"query\":\"hi\",\"specialist\":\"kairos\"}");
    double rate = nyx.config().traits().rewardEvidence();
    String rewards =
        "SELECT coalesce(sum((reward + 1) / 2), 0) FROM nyx_synthetic_specialist_queries"
            + " WHERE specialist = 'kairos' AND status = 'ok' AND NOT route ? 'fallback'";
    String applied = "SELECT success_total FROM nyx_trait_weights WHERE name = 'kairos'";
    // The learner applies rewards in the background, a flush every 100 ms.
    await("reward deltas applied to kairos")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              double want = rate * scalar(rewards);
              assertThat(want).isNotZero();
              assertThat(scalar(applied)).isCloseTo(want, within(1e-9));
            });
  }

  private double scalar(String sql) throws SQLException {
    try (Connection c = nyx.database().dataSource().getConnection();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  @Test
  void routeToTeachesRoutingAndAnAdministratorListsAndRemovesTheLesson() {
    String query = "is the ring road jammed right now, should I take the train instead";
    String id =
        http.post("/infer", "{\"query\":\"" + query + "\",\"specialist\":\"moira\"}")
            .json()
            .get("id")
            .asText();
    double before = kairosScore(query);

    Reply fb =
        http.post(
            "/feedback", "{\"query_id\":\"" + id + "\",\"rating\":0,\"route_to\":\"kairos\"}");

    assertThat(fb.status()).as(fb.body()).isEqualTo(200);
    assertThat(fb.json().at("/routing/status").asText()).as(fb.body()).isEqualTo("learned");
    JsonNode learned = fb.json().at("/routing/exemplar");
    assertThat(learned.get("route").asText()).isEqualTo("kairos");
    assertThat(learned.get("text").asText()).isEqualTo(query);
    assertThat(learned.get("source").asText()).isEqualTo("correction");
    assertThat(learned.get("query_id").asText()).isEqualTo(id);
    assertThat(learned.get("rater").asText()).isEqualTo("local");
    double taught = kairosScore(query);
    assertThat(taught).isGreaterThan(before);
    long exemplar = learned.get("id").asLong();
    assertThat(learnedIds()).contains(exemplar); // other tests' good ratings taught some too
    JsonNode threshold = http.get("/routing/exemplars").json().get("threshold");
    // far fewer than the 249 learned questions a calibration from traffic needs at 2 %
    assertThat(threshold.get("in_use").asDouble())
        .isEqualTo(threshold.get("from_exemplars").asDouble())
        .isBetween(0.05, 0.99);
    assertThat(threshold.get("from_learned").isNull()).isTrue();
    // the ranking model's (bge-small's) own, asked before abstaining: its cosines sit higher
    assertThat(threshold.at("/second_opinion/in_use").asDouble())
        .isGreaterThan(threshold.get("in_use").asDouble())
        .isBetween(0.05, 0.99);

    Reply again =
        http.post(
            "/feedback", "{\"query_id\":\"" + id + "\",\"rating\":0,\"route_to\":\"hermes\"}");
    assertThat(again.json().at("/routing/status").asText()).isEqualTo("skipped");
    assertThat(again.json().at("/routing/reason").asText()).contains("unknown route");

    assertThat(http.delete("/routing/exemplars/" + exemplar).status()).isEqualTo(200);
    assertThat(learnedIds()).doesNotContain(exemplar);
    assertThat(kairosScore(query)).isLessThan(taught);
    assertError(http.delete("/routing/exemplars/" + exemplar), 404, "id");
    assertError(http.delete("/routing/exemplars/x"), 400, "id");
  }

  private List<Long> learnedIds() {
    List<Long> ids = new java.util.ArrayList<>();
    http.get("/routing/exemplars")
        .json()
        .get("exemplars")
        .forEach(e -> ids.add(e.get("id").asLong()));
    return ids;
  }

  private double kairosScore(String query) {
    return http.post("/v1/route", "{\"query\":\"" + query + "\"}")
        .json()
        .at("/scores/kairos")
        .asDouble();
  }

  @Test
  void feedbackErrorsAreClear() {
    assertError(
        http.post(
            "/feedback", "{\"query_id\":\"00000000-0000-0000-0000-000000000000\",\"rating\":1}"),
        404,
        "query_id");
    assertError(
        http.post("/feedback", "{\"query_id\":\"not-a-uuid\",\"rating\":1}"), 400, "query_id");
    assertError(
        http.post(
            "/feedback", "{\"query_id\":\"00000000-0000-0000-0000-000000000000\",\"rating\":3}"),
        400,
        "rating");
  }

  @Test
  void operatorSetsAWeightWithAReason() throws SQLException {
    Reply r = http.put("/traits/moira", "{\"weight\":0.8,\"reason\":\"launch week\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(weight("moira")).isEqualTo(0.8);
    assertError(http.put("/traits/hermes", "{\"weight\":0.8,\"reason\":\"x\"}"), 404, "name");
    assertError(http.put("/traits/moira", "{\"weight\":0.8}"), 400, "reason");
  }

  @Test
  void aLoweredTraitWeightStopsRoutingToThatSpecialist() {
    String q = "{\"query\":\"I feel so lonely and sad since my dog died\"}";
    assertThat(http.post("/v1/route", q).json().get("specialist").asText()).isEqualTo("eleos");
    assertThat(http.put("/traits/eleos", "{\"weight\":0.05,\"reason\":\"test\"}").status())
        .isEqualTo(200);
    try {
      await("a route away from eleos once its weight is 0.05")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () ->
                  assertThat(http.post("/v1/route", q).json().path("specialist").asText("none"))
                      .isNotEqualTo("eleos"));
    } finally {
      http.put("/traits/eleos", "{\"weight\":0.5,\"reason\":\"restore\"}");
    }
  }

  @Test
  void modelsListsNyxAndEverySpecialist() {
    JsonNode data = http.get("/v1/models").json().get("data");
    assertThat(data)
        .extracting(n -> n.get("id").asText())
        .containsExactly(
            "nyx", "nyx/mnemosyne", "nyx/moira", "nyx/aletheia", "nyx/kairos", "nyx/eleos");
  }

  @Test
  void metricsCountLatencyAndTokensPerSpecialist() {
    http.post("/infer", "{\"query\":\"remind me of the deadline\",\"specialist\":\"eleos\"}");
    String text = http.get("/metrics").body();
    assertThat(text).contains("vllm_latency_seconds_bucket{");
    assertThat(text)
        .containsPattern(
            "vllm_token_count_total\\{kind=\"completion\",specialist=\"eleos\"\\} [1-9]");
    assertThat(text).contains("nyx_trait_weight{specialist=\"eleos\"}");
  }

  /**
   * {@code /ready} once it shows {@code expected}: an answer is reused for a second (so a burst of
   * calls does not become a burst of probes), so a change shows up to a second later.
   */
  private Reply readyOnce(String what, java.util.function.Predicate<Reply> expected) {
    return await("/ready " + what)
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> http.get("/ready"), expected);
  }

  @Test
  void readyWhenDatabaseAndAllAdaptersAreUp() {
    Reply r = readyOnce("answering 200", ready -> ready.status() == 200);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/checks/database/ok").asBoolean()).isTrue();
    assertThat(r.json().at("/checks/memory_index/detail").asText()).contains("up to date");
    assertThat(http.get("/health").status()).isEqualTo(200);
  }

  @Test
  void missingAdapterFallsBackToTheBaseModel() {
    vllm.unloadAdapter("moira");
    try {
      Reply r =
          http.post(
              "/infer", "{\"query\":\"what happens if I quit my job\",\"specialist\":\"moira\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().get("fallback").asText()).contains("moira");
      assertThat(vllm.requests().getLast().has("model")).isFalse();
      assertThat(
              readyOnce("naming moira", r2 -> r2.body().contains("moira"))
                  .json()
                  .at("/checks/model_backend/detail")
                  .asText())
          .contains("moira");
    } finally {
      vllm.loadAdapter("moira");
    }
  }

  @Test
  void askCommandPrintsTheAnswerReadably() {
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    int code =
        io.nyx.cli.Cli.run(
            java.io.InputStream.nullInputStream(),
            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
            new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8),
            Map.of(),
            "ask",
            "--url",
            "http://127.0.0.1:" + nyx.port(),
            "--specialist",
            "moira",
            "--rate",
            "+1",
            "Should I move to Lisbon?");
    String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(code).as(err.toString()).isZero();
    assertThat(text).contains("specialist: moira (routed by forced");
    assertThat(text).contains("[moira]");
    assertThat(text).containsPattern("rated \\+1\\.0: reward now \\+\\d\\.\\d\\d, moira weight");
  }

  private static void assertError(Reply r, int status, String param) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    JsonNode e = r.json().get("error");
    assertThat(e.get("param").asText()).as(r.body()).isEqualTo(param);
    assertThat(e.get("message").asText()).isNotBlank();
    assertThat(e.get("code").asInt()).isEqualTo(status);
  }

  private Map<String, Object> row(String id) {
    return io.nyx.testing.StoredRows.row(nyx, id);
  }

  private long count() throws SQLException {
    try (Connection c = nyx.database().dataSource().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT count(*) FROM nyx_synthetic_specialist_queries")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Old and new weight of the trait's latest change from {@code source}. */
  private double[] lastChange(String name, String source) throws SQLException {
    try (Connection c = nyx.database().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT old_weight, new_weight FROM nyx_trait_weight_history"
                    + " WHERE name = ? AND source = ? ORDER BY id DESC LIMIT 1")) {
      ps.setString(1, name);
      ps.setString(2, source);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a " + source + " change of " + name).isTrue();
        return new double[] {rs.getDouble(1), rs.getDouble(2)};
      }
    }
  }

  private double weight(String name) throws SQLException {
    try (Connection c = nyx.database().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT weight FROM nyx_trait_weights WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getDouble(1);
      }
    }
  }
}
