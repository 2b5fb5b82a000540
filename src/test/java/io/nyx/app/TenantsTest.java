package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.config.ConfigLoader;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcKeyStore;
import io.nyx.security.ApiKey;
import io.nyx.security.KeySecrets;
import io.nyx.security.Scope;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owners for every record (issue 14, items 4 and 5), through real HTTP and PostgreSQL: keys of two
 * tenants ("alice" with two keys, "bob") and an administrator. Each test is one of the attacks the
 * security review made, and fails on a Nyx without tenants.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  FakeVllm vllm;
  Nyx nyx;
  String alice;
  String alice2;
  String bob;
  String admin;
  HttpTestClient http;

  @BeforeAll
  void start() throws IOException {
    vllm = FakeVllm.start("base", NyxServerTest.ADAPTERS).recordRequests(true);
    Database db = TestDatabase.fresh();
    JdbcKeyStore keys = new JdbcKeyStore(db.dataSource());
    Set<Scope> user = Set.of(Scope.INFER, Scope.FEEDBACK);
    alice = create(keys, "alice-app", user, "alice");
    alice2 = create(keys, "alice-phone", user, "alice");
    bob = create(keys, "bob", user, "bob");
    admin = create(keys, "ops", Set.of(Scope.ADMIN), "ops");
    Path yaml = dir.resolve("nyx.yaml");
    // A budget of two ratings (feedback_evidence 2) per key and trait, reached in a few ratings.
    Files.writeString(yaml, "traits:\n  feedback_max_evidence: 4\n");
    nyx =
        Nyx.start(
            ConfigLoader.load(
                Map.of(
                    "port", "0",
                    "llm-url", vllm.baseUrl(),
                    "data-dir", dir.toString(),
                    "config", yaml.toString()),
                Map.of()),
            db);
    http = new HttpTestClient("http://127.0.0.1:" + nyx.port());
  }

  private static String create(JdbcKeyStore keys, String name, Set<Scope> scopes, String tenant) {
    String secret = new KeySecrets().newSecret();
    keys.create(new ApiKey(name, KeySecrets.sha256(secret), scopes, 1000, 1000, 16, tenant));
    return secret;
  }

  @AfterAll
  void stop() {
    nyx.close();
    vllm.close();
  }

  @Test
  void aMemoryStaysWithItsTenantAndSession() throws IOException {
    String pin = "Alice's locker PIN is 4921";
    post("/memory", "{\"text\":\"" + pin + "\",\"session_id\":\"s1\"}", alice, 200);

    assertThat(search("locker PIN", bob)).doesNotContain(pin);
    assertThat(search("locker PIN", alice)).contains(pin);
    assertThat(search("locker PIN", alice2)).as("keys of one tenant share it").contains(pin);
    assertThat(search("locker PIN", admin)).as("admin sees every tenant").contains(pin);

    assertThat(prompt("What is the locker PIN?", bob, "s1")).doesNotContain("4921");
    assertThat(prompt("What is the locker PIN?", alice, "s2"))
        .as("another session of the same tenant")
        .doesNotContain("4921");
    assertThat(prompt("What is the locker PIN?", alice, null)).doesNotContain("4921");
    assertThat(prompt("What is the locker PIN?", alice, "s1")).contains("4921");
  }

  @Test
  void aTenantCannotDeleteAnothersMemory() throws IOException {
    JsonNode stored = post("/memory", "{\"text\":\"bob keeps his bike in shed 7\"}", bob, 200);
    long id = stored.get("id").asLong();
    assertThat(send("DELETE", "/memory/" + id, null, alice).status()).isEqualTo(404);
    JsonNode filtered = json(send("DELETE", "/memory?source=api", null, alice));
    assertThat(filtered.get("ids").toString()).doesNotContain(Long.toString(id));
    assertThat(search("bike shed", bob)).contains("shed 7");
    assertThat(send("DELETE", "/memory/" + id, null, bob).status()).isEqualTo(200);
  }

  @Test
  void onlyAnAdministratorSharesOrWritesForAnotherTenant() throws IOException {
    Reply shared =
        send("POST", "/memory", "{\"text\":\"everyone read this\",\"shared\":true}", alice);
    assertThat(shared.status()).isEqualTo(403);
    assertThat(shared.body()).contains("\"param\":\"shared\"");
    Reply foreign = send("POST", "/memory", "{\"text\":\"planted\",\"tenant\":\"bob\"}", alice);
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.body()).contains("\"param\":\"tenant\"");

    post(
        "/memory",
        "{\"text\":\"The office closes at 18:00 on Fridays\",\"shared\":true}",
        admin,
        200);
    assertThat(search("when does the office close", bob)).contains("18:00");
    assertThat(prompt("When does the office close on Friday?", bob, null)).contains("18:00");
  }

  @Test
  void feedbackOnlyOnTheTenantsOwnExchanges() throws IOException {
    String query = infer("Tell me about the weather", alice, "kairos");
    String rating = "{\"query_id\":\"" + query + "\",\"rating\":-1}";
    Reply foreign = send("POST", "/feedback", rating, bob);
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(send("POST", "/feedback", rating, alice2).status()).isEqualTo(200);
  }

  @Test
  void ratingOneAnswerAgainAndAgainTellsTheTraitOnce() throws IOException, SQLException {
    String query = infer("Which moira scenario is likely?", alice, "moira");
    List<String> effects = new ArrayList<>();
    for (int i = 0; i < 22; i++) {
      JsonNode r = post("/feedback", "{\"query_id\":\"" + query + "\",\"rating\":-1}", alice, 200);
      effects.add(r.get("trait_effect").asText());
    }
    assertThat(effects.getFirst()).isEqualTo("observed");
    assertThat(effects.subList(1, 22)).containsOnly("already_rated");
    assertThat(feedbackEvidence("moira")).isEqualTo(2.0); // one rating's feedback_evidence
    assertThat(count("SELECT count(*) FROM nyx_feedback WHERE query_id = ?::uuid", query))
        .isEqualTo(1);
  }

  @Test
  void ratingsOfManyAnswersTellATraitNoMoreThanTheKeysBudget() throws IOException, SQLException {
    List<String> effects = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String query = infer("I feel a bit low today, number " + i, bob, "eleos");
      JsonNode r = post("/feedback", "{\"query_id\":\"" + query + "\",\"rating\":-1}", bob, 200);
      effects.add(r.get("trait_effect").asText());
    }
    assertThat(effects)
        .containsExactly(
            "observed", "observed", "budget_spent", "budget_spent", "budget_spent", "budget_spent");
    assertThat(feedbackEvidence("eleos")).isEqualTo(4.0);
  }

  /** Observations ratings added to {@code trait}. */
  private double feedbackEvidence(String trait) throws SQLException {
    try (Connection c = nyx.database().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT coalesce(sum(evidence), 0) FROM nyx_feedback WHERE trait = ?")) {
      s.setString(1, trait);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getDouble(1);
      }
    }
  }

  @Test
  void exchangesRecordTheirTenantAndKey() throws IOException, SQLException {
    String query = infer("What time is it in Tokyo?", alice2, "kairos");
    assertThat(
            count(
                "SELECT count(*) FROM nyx_synthetic_specialist_queries"
                    + " WHERE id = ?::uuid AND tenant = 'alice' AND key_name = 'alice-phone'",
                query))
        .isEqualTo(1);
    String lines = send("GET", "/export/sft?min_reward=-1&tenant=bob", null, admin).body();
    assertThat(lines).doesNotContain(query);
  }

  @Test
  void aFlaggedExchangeIsQueuedForReviewUnderItsTenant() throws IOException {
    JsonNode r =
        post(
            "/infer",
            "{\"query\":\"I want to kill myself tonight, nobody would miss me\"}",
            bob,
            200);
    String id = r.get("id").asText();
    JsonNode items = json(send("GET", "/review", null, admin)).get("items");
    JsonNode mine = null;
    for (JsonNode item : items) {
      if (item.get("query_id").asText().equals(id)) {
        mine = item;
      }
    }
    assertThat(mine).as("review item of " + id + " in " + items).isNotNull();
    assertThat(mine.get("tenant").asText()).isEqualTo("bob");
    assertThat(send("GET", "/review", null, bob).status())
        .as("reviews are admin work")
        .isEqualTo(403);
  }

  // --- helpers ---

  private String infer(String question, String key, String specialist) throws IOException {
    JsonNode r =
        post(
            "/infer",
            JSON.writeValueAsString(Map.of("query", question, "specialist", specialist)),
            key,
            200);
    return r.get("id").asText();
  }

  /** The prompt Mnemosyne sent the model for {@code question} asked by {@code key}. */
  private String prompt(String question, String key, @Nullable String session) throws IOException {
    Map<String, Object> body = new java.util.HashMap<>();
    body.put("query", question);
    body.put("specialist", "mnemosyne");
    if (session != null) {
      body.put("session_id", session);
    }
    post("/infer", JSON.writeValueAsString(body), key, 200);
    return vllm.lastRequest().get("messages").toString();
  }

  private String search(String q, String key) throws IOException {
    Reply r =
        send(
            "GET",
            "/memory/search?k=50&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8),
            null,
            key);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private long count(String sql, String id) throws SQLException {
    try (Connection c = nyx.database().dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private JsonNode post(String path, String body, String key, int status) throws IOException {
    Reply r = send("POST", path, body, key);
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  private static JsonNode json(Reply r) throws IOException {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private Reply send(String method, String path, @Nullable String body, String key) {
    return http.send(method, path, body, key);
  }
}
