package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.StoredRows;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text PostgreSQL cannot store (U+0000, an unpaired surrogate), sent through the real HTTP API:
 * each is a 400 naming the field, and nothing reaches the model or the database. Accepted, a NUL
 * failed the row's insert after the answer, and the spool then retried that row forever in front of
 * every later one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnstorableTextTest {
  @TempDir static Path dataDir;
  NyxFixture fixture;
  HttpTestClient http;

  @BeforeAll
  void start() {
    fixture = NyxFixture.start(dataDir);
    http = fixture.http();
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  @Test
  void aNulInTheQueryIsRefusedAndNothingIsStored() throws SQLException {
    long rows = count("nyx_synthetic_specialist_queries");
    int calls = fixture.vllm().chatCount();
    Reply r = http.post("/infer", "{\"query\":\"abc\\u0000def\"}");
    assertRefused(r, "query", "contains U+0000 (NUL) at char 3, which cannot be stored");
    assertThat(fixture.vllm().chatCount()).isEqualTo(calls);
    assertThat(fixture.nyx().spooledRows()).isZero();
    assertThat(count("nyx_synthetic_specialist_queries")).isEqualTo(rows);
  }

  @Test
  void aLoneSurrogateInTheQueryIsRefused() throws SQLException {
    long rows = count("nyx_synthetic_specialist_queries");
    Reply r = http.post("/infer", "{\"query\":\"abc\\ud800def\"}");
    assertRefused(r, "query", "contains an unpaired surrogate U+D800 at char 3");
    assertThat(count("nyx_synthetic_specialist_queries")).isEqualTo(rows);
  }

  @Test
  void aNulInAFeedbackCommentIsRefused() throws SQLException {
    Reply answered = http.post("/infer", "{\"query\":\"plan my afternoon\"}");
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    long feedback = count("nyx_feedback");
    Reply r =
        http.post(
            "/feedback",
            "{\"query_id\":\""
                + answered.json().get("id").asText()
                + "\",\"rating\":1,\"comment\":\"great\\u0000\"}");
    assertRefused(r, "comment", "contains U+0000 (NUL) at char 5");
    assertThat(fixture.nyx().spooledFeedback()).isZero();
    assertThat(count("nyx_feedback")).isEqualTo(feedback);
  }

  @Test
  void aNulInAChatMessageIsRefusedNamingItsPath() throws SQLException {
    long rows = count("nyx_synthetic_specialist_queries");
    Reply r =
        http.post(
            "/v1/chat/completions",
            "{\"model\":\"nyx\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":\"hi\\u0000\"}]}");
    assertRefused(r, "messages[1].content", "contains U+0000 (NUL) at char 2");
    assertThat(count("nyx_synthetic_specialist_queries")).isEqualTo(rows);
  }

  @Test
  void aNulInAMemoryOrItsMetadataKeyIsRefusedAndNothingIsStored() throws SQLException {
    long memories = count("nyx_subjective_memory");
    assertRefused(
        http.post("/memory", "{\"text\":\"Anna likes\\u0000 tea\"}"), "text", "U+0000 (NUL)");
    assertRefused(
        http.post("/memory", "[{\"text\":\"Anna likes tea\"},{\"text\":\"x\\udc00y\"}]"),
        "[1].text",
        "contains an unpaired surrogate U+DC00 at char 1");
    assertRefused(
        http.post("/memory", "{\"text\":\"Anna likes tea\",\"metadata\":{\"to\\u0000pic\":1}}"),
        "metadata.to\\u0000pic",
        "key 'metadata.to\\u0000pic' contains U+0000 (NUL) at char 2");
    assertThat(count("nyx_subjective_memory")).isEqualTo(memories);
  }

  @Test
  void aNulInAQueryParameterIsRefused() {
    assertRefused(http.get("/memory/search?q=tea%00time"), "q", "U+0000 (NUL) at char 3");
    assertRefused(http.delete("/memory?session_id=s%00"), "session_id", "U+0000 (NUL) at char 1");
  }

  /**
   * The model's answer is not under Nyx's control and the client has it: a NUL or a lone surrogate
   * in it is stored as U+FFFD, and the row lands at once instead of waiting in the spool.
   */
  @Test
  void modelOutputWithANulIsAnsweredAndStoredWithAReplacementCharacter() {
    fixture.vllm().reply((model, request) -> "tea\u0000time\uD800");
    Reply r = http.post("/infer", "{\"query\":\"when is tea?\",\"specialist\":\"kairos\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String id = r.json().get("id").asText();
    assertThat(fixture.nyx().spooledRows()).isZero();
    assertThat(StoredRows.text(fixture.nyx(), id, "response")).isEqualTo("tea\uFFFDtime\uFFFD");
  }

  private static void assertRefused(Reply r, String param, String message) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    JsonNode e = r.json().get("error");
    assertThat(e.get("param").asText()).as(r.body()).isEqualTo(param);
    assertThat(e.get("message").asText()).as(r.body()).contains(message);
  }

  private long count(String table) throws SQLException {
    try (Connection c = fixture.nyx().database().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
