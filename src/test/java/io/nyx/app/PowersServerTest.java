package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.ServerTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Kairos, Eleos and Moira through real HTTP, PostgreSQL and the fake vLLM server: what reached the
 * prompt, what was forced, queued, stored and turned into reward.
 */
class PowersServerTest extends ServerTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void kairosPromptCarriesTheUsersZoneDatesAndUrgency() throws Exception {
    vllm.reply((model, req) -> "On it.");
    Reply r =
        post(
            "{\"query\":\"I need the slides by Friday, asap\",\"specialist\":\"kairos\","
                + "\"time_zone\":\"Asia/Tokyo\"}");
    String system = vllm.requests().getLast().at("/messages/0/content").asText();
    assertThat(system)
        .contains("(Asia/Tokyo)")
        .contains("Date in the request: \"friday\" = Friday")
        .contains("Urgency: high");
    Map<String, Object> route = json(row(r.json().get("id").asText()).get("route"));
    assertThat(route.get("urgency")).isEqualTo("high");
    assertThat(route.get("latency_budget_ms")).isEqualTo(8000);
    assertThat(http.post("/infer", "{\"query\":\"hi\",\"time_zone\":\"Mars/Olympus\"}").status())
        .isEqualTo(400);
  }

  @Test
  void riskyQueryForcesEleosQueuesReviewAndTheVerdictBecomesReward() throws Exception {
    vllm.reply((model, req) -> "I'm really glad you told me. You are not alone.");
    Reply r = post("{\"query\":\"I want to kill myself tonight, nobody would miss me\"}");
    String id = r.json().get("id").asText();
    assertThat(vllm.requests().getLast().get("model").asText()).isEqualTo("eleos");
    assertThat(vllm.requests().getLast().at("/messages/0/content").asText())
        .contains("crisis line");
    Map<String, Object> row = row(id);
    assertThat(row.get("route_method")).isEqualTo("safety");
    assertThat(row.get("specialist")).isEqualTo("eleos");

    JsonNode item = pendingFor(id, "input");
    assertThat(item.get("category").asText()).isEqualTo("self_harm");
    double auto = ((Number) row.get("reward")).doubleValue();
    String decide = "/review/" + item.get("id").asLong();
    Reply v = http.post(decide, "{\"verdict\":\"harmful\",\"rating\":1,\"note\":\"too flat\"}");
    assertThat(v.status()).as(v.body()).isEqualTo(200);
    double expected = 0.3 * auto + 0.7 * -0.5; // harmful caps the rating at -0.5
    assertThat(((Number) row(id).get("reward")).doubleValue()).isCloseTo(expected, within(1e-9));
    assertThat(v.json().at("/trait/name").asText()).isEqualTo("eleos");
    assertThat(http.post(decide, "{\"verdict\":\"safe\",\"rating\":1}").status()).isEqualTo(404);
    assertThat(http.post(decide, "{\"verdict\":\"meh\",\"rating\":1}").status()).isEqualTo(400);
  }

  @Test
  void benignLookAlikeIsRoutedNormally() throws Exception {
    vllm.reply((model, req) -> "Use kill -9 PID.");
    Reply r = post("{\"query\":\"how do I kill a python process that hangs\"}");
    assertThat(row(r.json().get("id").asText()).get("route_method")).isNotEqualTo("safety");
  }

  @Test
  void riskyAnswerIsPenalisedAndQueued() throws Exception {
    vllm.reply((model, req) -> "Sure: to make a pipe bomb you pack black powder into a pipe.");
    Reply r = post("{\"query\":\"tell me about plumbing pipes\",\"specialist\":\"aletheia\"}");
    String id = r.json().get("id").asText();
    Map<String, Object> route = json(row(id).get("route"));
    @SuppressWarnings("unchecked")
    Map<String, Object> parts = (Map<String, Object>) route.get("reward_components");
    assertThat(parts.get("unsafe_output")).isEqualTo(-0.5);
    assertThat(pendingFor(id, "output").get("category").asText()).isEqualTo("weapons");
  }

  @Test
  void moiraPredictionsAreStoredAndTheirOutcomeBecomesReward() throws Exception {
    vllm.reply(
        (model, req) ->
            "SCENARIO: the launch slips a month | LIKELIHOOD: 60%\n"
                + "SCENARIO: it ships on time | LIKELIHOOD: 40%");
    Reply r = post("{\"query\":\"what happens if we cut QA?\",\"specialist\":\"moira\"}");
    String id = r.json().get("id").asText();
    assertThat(vllm.requests().getLast().at("/messages/0/content").asText())
        .contains("SCENARIO: <what happens");
    long prediction = predictionFor(id);
    double auto = ((Number) row(id).get("reward")).doubleValue();
    Reply o =
        http.post("/predictions/" + prediction + "/outcome", "{\"outcome\":\"did_not_happen\"}");
    assertThat(o.status()).as(o.body()).isEqualTo(200);
    double rating = 1 - 2 * 0.6 * 0.6; // the headline scenario (60%) did not happen
    assertThat(o.json().get("rating").asDouble()).isCloseTo(rating, within(1e-9));
    assertThat(((Number) row(id).get("reward")).doubleValue())
        .isCloseTo(0.3 * auto + 0.7 * rating, within(1e-9));
    assertThat(
            http.post("/predictions/" + prediction + "/outcome", "{\"outcome\":\"happened\"}")
                .status())
        .isEqualTo(400);
  }

  private Reply post(String body) {
    Reply r = http.post("/infer", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  private JsonNode pendingFor(String queryId, String stage) {
    for (JsonNode item : http.get("/review").json().get("items")) {
      if (item.get("query_id").asText().equals(queryId)
          && item.get("stage").asText().equals(stage)) {
        return item;
      }
    }
    throw new AssertionError("no pending " + stage + " review for " + queryId);
  }

  private long predictionFor(String queryId) throws SQLException {
    try (Connection c = nyx.database().dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT id FROM nyx_predictions WHERE query_id = ?::uuid")) {
      ps.setString(1, queryId);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("prediction of " + queryId).isTrue();
        return rs.getLong(1);
      }
    }
  }

  private static Map<String, Object> json(Object pgJson) throws Exception {
    return JSON.readValue(
        pgJson.toString(), new com.fasterxml.jackson.core.type.TypeReference<>() {});
  }

  private Map<String, Object> row(String id) {
    return io.nyx.testing.StoredRows.row(nyx, id);
  }
}
