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
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
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
 * History people can read, through real HTTP and PostgreSQL, with the owner rules of the security
 * issue: keys of tenants "alice" (two keys), "bob" and "carol", and an administrator. A key reads
 * its own tenant's exchanges and predictions only (another tenant's id is a 404), the admin every
 * tenant's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  FakeVllm vllm;
  Nyx nyx;
  HttpTestClient http;
  String alice;
  String alice2;
  String bob;
  String carol;
  String rater;
  String admin;

  @BeforeAll
  void start() {
    vllm = FakeVllm.start("base", NyxServerTest.ADAPTERS);
    Database db = TestDatabase.fresh();
    JdbcKeyStore keys = new JdbcKeyStore(db.dataSource());
    Set<Scope> user = Set.of(Scope.INFER, Scope.FEEDBACK);
    alice = create(keys, "alice-app", user, "alice");
    alice2 = create(keys, "alice-phone", user, "alice");
    bob = create(keys, "bob", user, "bob");
    carol = create(keys, "carol", user, "carol");
    rater = create(keys, "rater", Set.of(Scope.FEEDBACK), "alice");
    admin = create(keys, "ops", Set.of(Scope.ADMIN), "ops");
    nyx =
        Nyx.start(
            ConfigLoader.load(
                Map.of("port", "0", "llm-url", vllm.baseUrl(), "data-dir", dir.toString()),
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
  void aKeyReadsItsTenantsExchangeWhole() throws IOException {
    vllm.reply((model, req) -> "[" + model + "] Friday at noon.");
    String id = infer("When is the review due?", alice, "kairos");
    send(
        "POST",
        "/feedback",
        "{\"query_id\":\"" + id + "\",\"rating\":1,\"comment\":\"spot on\"}",
        alice2,
        200);

    JsonNode q = send("GET", "/queries/" + id, null, alice, 200);
    assertThat(q.get("query").asText()).isEqualTo("When is the review due?");
    assertThat(q.get("tenant").asText()).isEqualTo("alice");
    assertThat(q.get("key_name").asText()).isEqualTo("alice-app");
    assertThat(q.get("specialist").asText()).isEqualTo("kairos");
    assertThat(q.get("adapter").asText()).isEqualTo("kairos");
    assertThat(q.at("/decision/method").asText()).isNotEmpty();
    assertThat(q.at("/decision/confidence").isNumber()).isTrue();
    assertThat(q.get("decision").has("reward_components")).isFalse();
    assertThat(q.at("/context/items").isArray()).isTrue();
    assertThat(q.at("/answer/content").asText()).isEqualTo("[kairos] Friday at noon.");
    assertThat(q.at("/answer/finish_reason").asText()).isEqualTo("stop");
    assertThat(q.at("/answer/tool_calls").isEmpty()).isTrue();
    assertThat(q.at("/reward/components").isObject()).isTrue();
    assertThat(q.at("/reward/inputs/finish_reason").asText()).isEqualTo("stop");
    assertThat(q.at("/reward/value").asDouble()).isNotZero();
    assertThat(q.at("/feedback/0/rating").asDouble()).isEqualTo(1.0);
    assertThat(q.at("/feedback/0/comment").asText()).isEqualTo("spot on");
    assertThat(q.at("/feedback/0/rater").asText()).isEqualTo("alice-phone");
    assertThat(q.has("messages")).as("the prompt is for administrators").isFalse();

    JsonNode forAdmin = send("GET", "/queries/" + id, null, admin, 200);
    assertThat(forAdmin.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(forAdmin.at("/messages/1/content").asText()).isEqualTo("When is the review due?");

    Reply foreign = http.send("GET", "/queries/" + id, null, bob);
    assertThat(foreign.status()).as("another tenant's id is as if absent").isEqualTo(404);
    assertThat(foreign.json().at("/error/param").asText()).isEqualTo("id");
    assertThat(http.send("GET", "/queries/nope", null, alice).status()).isEqualTo(400);
    assertThat(http.send("GET", "/queries/" + id, null, null).status()).isEqualTo(401);
    assertThat(http.send("GET", "/queries/" + id, null, rater).status())
        .as("reading history takes the infer scope")
        .isEqualTo(403);
  }

  @Test
  void pagesAreNewestFirstAndFollowTheirCursor() throws IOException {
    vllm.reply((model, req) -> "noted");
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(infer("carol's question " + i, carol, "mnemosyne"));
    }
    List<String> seen = new ArrayList<>();
    List<Instant> times = new ArrayList<>();
    String cursor = null;
    List<Integer> sizes = new ArrayList<>();
    do {
      JsonNode page =
          send(
              "GET",
              "/queries?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
              null,
              carol,
              200);
      sizes.add(page.get("data").size());
      for (JsonNode row : page.get("data")) {
        seen.add(row.get("id").asText());
        times.add(Instant.parse(row.get("created_at").asText()));
        assertThat(row.get("answer").asText()).isEqualTo("noted");
      }
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    assertThat(sizes).containsExactly(2, 2, 1);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(made).doesNotHaveDuplicates();
    assertThat(seen.getFirst()).as("newest first").isEqualTo(made.getLast());
    for (int i = 1; i < times.size(); i++) {
      assertThat(times.get(i)).isBeforeOrEqualTo(times.get(i - 1));
    }
  }

  @Test
  void listsAreConfinedToTheTenantAndTheAdminSeesAll() throws IOException {
    vllm.reply((model, req) -> "ok");
    String bobs = infer("bob asks", bob, "aletheia");
    String alices = infer("alice asks", alice, "aletheia");

    assertThat(tenants(send("GET", "/queries?limit=100", null, bob, 200))).containsOnly("bob");
    assertThat(ids(send("GET", "/queries?limit=100", null, alice2, 200)))
        .contains(alices)
        .doesNotContain(bobs);
    assertThat(ids(send("GET", "/queries?limit=100", null, admin, 200))).contains(alices, bobs);
    assertThat(tenants(send("GET", "/queries?limit=100&tenant=bob", null, admin, 200)))
        .containsOnly("bob");
    Reply widened = http.send("GET", "/queries?tenant=bob", null, alice);
    assertThat(widened.status()).isEqualTo(403);
    assertThat(widened.json().at("/error/param").asText()).isEqualTo("tenant");
    assertThat(tenants(send("GET", "/queries?tenant=alice", null, alice, 200)))
        .containsOnly("alice");
  }

  @Test
  void filtersNarrowThePageAndBadOnesNameTheParameter() throws IOException {
    vllm.reply((model, req) -> "ok");
    infer("a question for kairos", bob, "kairos");
    JsonNode kairos = send("GET", "/queries?specialist=kairos&limit=100", null, bob, 200);
    assertThat(kairos.get("data")).isNotEmpty();
    kairos.get("data").forEach(r -> assertThat(r.get("specialist").asText()).isEqualTo("kairos"));
    assertThat(send("GET", "/queries?status=backend_error", null, bob, 200).get("data")).isEmpty();
    assertThat(send("GET", "/queries?since=2099-01-01", null, bob, 200).get("data")).isEmpty();
    assertThat(send("GET", "/queries?since=1d&status=ok", null, bob, 200).get("data")).isNotEmpty();
    for (String bad :
        List.of("cursor=garbage", "limit=0", "limit=101", "since=yesterday", "sort=asc")) {
      Reply r = http.send("GET", "/queries?" + bad, null, bob);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.json().at("/error/param").asText())
          .isEqualTo(bad.substring(0, bad.indexOf('=')));
    }
  }

  @Test
  void moirasPredictionIdComesBackAndTheListShowsItToItsTenant() throws IOException {
    vllm.reply(
        (model, req) ->
            "SCENARIO: the launch slips a month | LIKELIHOOD: 60%\n"
                + "SCENARIO: it ships on time | LIKELIHOOD: 40%");
    JsonNode answer =
        send(
            "POST",
            "/infer",
            "{\"query\":\"what happens if we cut QA?\",\"specialist\":\"moira\"}",
            alice,
            200);
    long prediction = answer.get("prediction_id").asLong();
    assertThat(prediction).isPositive();

    JsonNode mine = send("GET", "/predictions?status=open", null, alice2, 200);
    assertThat(mine.at("/data/0/id").asLong()).isEqualTo(prediction);
    assertThat(mine.at("/data/0/query_id").asText()).isEqualTo(answer.get("id").asText());
    assertThat(mine.at("/data/0/scenarios/0/likelihood").asDouble()).isEqualTo(0.6);
    assertThat(predictionIds(send("GET", "/predictions", null, bob, 200)))
        .doesNotContain(prediction);
    assertThat(predictionIds(send("GET", "/predictions", null, admin, 200))).contains(prediction);
    assertThat(http.send("GET", "/predictions?tenant=bob", null, alice).status()).isEqualTo(403);

    String outcome = "{\"outcome\":\"happened\"}";
    assertThat(
            http.send("POST", "/predictions/" + prediction + "/outcome", outcome, alice).status())
        .as("telling an outcome stays with the admin scope")
        .isEqualTo(403);
    send("POST", "/predictions/" + prediction + "/outcome", outcome, admin, 200);
    assertThat(predictionIds(send("GET", "/predictions?status=open", null, alice, 200)))
        .doesNotContain(prediction);
    JsonNode resolved = send("GET", "/predictions?status=resolved", null, alice, 200);
    assertThat(resolved.at("/data/0/outcome").asText()).isEqualTo("happened");

    JsonNode plain =
        send("POST", "/infer", "{\"query\":\"hi\",\"specialist\":\"kairos\"}", alice, 200);
    assertThat(plain.has("prediction_id")).as("no prediction, no id").isFalse();
  }

  @Test
  void reviewItemsCarryTheQuestionAndTheAnswerJudged() throws IOException {
    vllm.reply((model, req) -> "I'm really glad you told me. You are not alone.");
    String question = "I want to kill myself tonight, nobody would miss me";
    JsonNode asked =
        send("POST", "/infer", JSON.writeValueAsString(Map.of("query", question)), bob, 200);
    String id = asked.get("id").asText();
    JsonNode item = null;
    for (JsonNode i : send("GET", "/review", null, admin, 200).get("items")) {
      if (i.get("query_id").asText().equals(id)) {
        item = i;
      }
    }
    assertThat(item).as("review item of " + id).isNotNull();
    assertThat(item.get("question").asText()).isEqualTo(question);
    assertThat(item.get("answer").asText())
        .isEqualTo("I'm really glad you told me. You are not alone.");
    assertThat(item.get("specialist").asText()).isEqualTo("eleos");
  }

  // --- helpers ---

  private String infer(String question, String key, String specialist) throws IOException {
    return send(
            "POST",
            "/infer",
            JSON.writeValueAsString(Map.of("query", question, "specialist", specialist)),
            key,
            200)
        .get("id")
        .asText();
  }

  private JsonNode send(
      String method, String path, @Nullable String body, @Nullable String key, int status)
      throws IOException {
    Reply r = http.send(method, path, body, key);
    assertThat(r.status()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  private static Set<String> tenants(JsonNode page) {
    Set<String> out = new HashSet<>();
    page.get("data").forEach(r -> out.add(r.get("tenant").asText()));
    return out;
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("data").forEach(r -> out.add(r.get("id").asText()));
    return out;
  }

  private static List<Long> predictionIds(JsonNode page) {
    List<Long> out = new ArrayList<>();
    page.get("data").forEach(r -> out.add(r.get("id").asLong()));
    return out;
  }
}
