package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.HttpTestClient;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.StoredRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prompt budget through the real server: a small {@code context.max_prompt_tokens}, long
 * memories and a long chat history. Checks what reached the fake vLLM (fits {@code
 * max_prompt_tokens − max_tokens} by Nyx's estimate, keeps the query, the care guidance and the
 * specialist prompt) and that the stored row's {@code context.dropped} names exactly what went,
 * least useful first, while {@code context.items} and the response cite only what the model saw.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromptBudgetServerTest {
  static final int MAX_PROMPT_TOKENS = 1_400;
  static final int MAX_TOKENS = 200;
  static final int BUDGET = MAX_PROMPT_TOKENS - MAX_TOKENS;
  static final int TOP_K = 8;
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final Pattern MEMORY_LABEL = Pattern.compile("\\[memory (\\d+)]");

  @TempDir static Path dataDir;
  NyxFixture fixture;
  FakeVllm vllm;
  HttpTestClient http;
  Set<Long> stored = new HashSet<>();

  @BeforeAll
  void start() throws IOException {
    Path config = dataDir.resolve("budget.yaml");
    Files.writeString(
        config,
        "context:\n  max_prompt_tokens: "
            + MAX_PROMPT_TOKENS
            + "\n  memory_top_k: "
            + TOP_K
            + "\n");
    fixture = NyxFixture.start(dataDir.resolve("nyx"), Map.of("config", config.toString()));
    vllm = fixture.vllm();
    http = fixture.http();
    for (int i = 0; i < 10; i++) {
      stored.add(remember(i));
    }
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  /** Ten memories of ~160 estimated tokens each about the same garden: eight are recalled. */
  private long remember(int i) {
    String text =
        "Garden journal entry "
            + i
            + ": I planted tomatoes, basil and sunflowers along the south fence of my garden"
            + " and watered them every evening. "
            + ("The soil there is sandy, so the garden needs compost each spring. ").repeat(7);
    Reply r = http.post("/memory", "{\"text\":" + MAPPER.valueToTree(text) + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asLong();
  }

  @Test
  void lowestScoringMemoriesAreDroppedAndOnlyWhatWasSentIsCited() throws Exception {
    String query = "What did I plant in my garden along the south fence?";
    Reply r =
        http.post(
            "/infer",
            "{\"query\":\""
                + query
                + "\",\"specialist\":\"mnemosyne\",\"max_tokens\":"
                + MAX_TOKENS
                + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);

    JsonNode sent = vllm.lastRequest();
    assertThat(sent.get("max_tokens").asInt()).isEqualTo(MAX_TOKENS);
    JsonNode messages = sent.get("messages");
    assertThat(estimate(messages)).isLessThanOrEqualTo(BUDGET);
    assertThat(messages.get(messages.size() - 1).get("content").asText()).isEqualTo(query);
    String system = messages.get(0).get("content").asText();
    assertThat(system).startsWith("You are Mnemosyne");
    Set<Long> inPrompt = labels(system);

    JsonNode row = storedContext(r.json().get("id").asText());
    List<Long> dropped = new ArrayList<>();
    row.get("dropped")
        .forEach(
            d -> {
              assertThat(d.get("kind").asText()).isEqualTo("memory");
              dropped.add(d.get("id").asLong());
            });
    assertThat(dropped).as("8 recalled × ~160 tokens cannot fit %d", BUDGET).isNotEmpty();
    assertThat(inPrompt)
        .as("some memories still fit")
        .isNotEmpty()
        .doesNotContainAnyElementsOf(dropped);
    Set<Long> recalled = new HashSet<>(inPrompt);
    recalled.addAll(dropped);
    assertThat(recalled).hasSize(TOP_K).isSubsetOf(stored);

    Map<Long, Double> keptScores = scores(row.get("items"));
    assertThat(keptScores.keySet()).as("row cites what the model saw").isEqualTo(inPrompt);
    assertThat(scores(r.json().get("context")).keySet()).isEqualTo(inPrompt);
    double lowestKept = keptScores.values().stream().mapToDouble(d -> d).min().orElseThrow();
    Map<Long, Double> all = recallScores(query);
    for (long id : dropped) {
      assertThat(all.get(id)).as("dropped memory %d", id).isLessThanOrEqualTo(lowestKept);
    }
  }

  @Test
  void aLongChatLosesMemoriesFirstThenItsOldestTurnsButNeverTheQuery() throws Exception {
    List<String> turns = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      turns.add(
          "Turn " + i + " about the garden. " + "We talked about compost and water. ".repeat(24));
    }
    String query = "So what did I plant along the south fence?";
    Reply r = chat("nyx/mnemosyne", turns, query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);

    JsonNode messages = vllm.lastRequest().get("messages");
    assertThat(estimate(messages)).isLessThanOrEqualTo(BUDGET);
    assertThat(messages.get(messages.size() - 1).get("content").asText()).isEqualTo(query);
    assertThat(labels(messages.get(0).get("content").asText())).isEmpty();

    JsonNode dropped = storedContext(r.header("X-Nyx-Query-Id")).get("dropped");
    List<String> kinds = new ArrayList<>();
    dropped.forEach(d -> kinds.add(d.get("kind").asText()));
    assertThat(kinds).startsWith("memory").endsWith("turn");
    assertThat(kinds.indexOf("turn")).isEqualTo(TOP_K); // every memory before any turn
    int turnsDropped = kinds.size() - TOP_K;
    assertThat(turnsDropped).isBetween(1, turns.size() - 1);
    // The oldest went: what was sent is the newest turns, in order, then the query.
    List<String> sentTurns = new ArrayList<>();
    for (int i = 1; i < messages.size() - 1; i++) {
      sentTurns.add(messages.get(i).get("content").asText());
    }
    assertThat(sentTurns).isEqualTo(turns.subList(turnsDropped, turns.size()));
    for (int i = 0; i < turnsDropped; i++) {
      assertThat(dropped.get(TOP_K + i).get("chars").asInt()).isEqualTo(turns.get(i).length());
    }
  }

  @Test
  void careGuidanceStaysWhenTurnsGo() throws Exception {
    List<String> turns = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      turns.add("Turn " + i + ". " + "It has been a long and heavy week at work. ".repeat(20));
    }
    String query = "I want to end my life, I can't go on";
    Reply r = chat("nyx", turns, query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("X-Nyx-Specialist")).isEqualTo("eleos");

    JsonNode messages = vllm.lastRequest().get("messages");
    assertThat(estimate(messages)).isLessThanOrEqualTo(BUDGET);
    assertThat(messages.get(messages.size() - 1).get("content").asText()).isEqualTo(query);
    String system = messages.get(0).get("content").asText();
    JsonNode row = storedContext(r.header("X-Nyx-Query-Id"));
    List<String> kinds = new ArrayList<>();
    row.get("dropped").forEach(d -> kinds.add(d.get("kind").asText()));
    assertThat(kinds).isNotEmpty().containsOnly("turn");
    List<String> keptKinds = new ArrayList<>();
    row.get("items").forEach(i -> keptKinds.add(i.get("kind").asText()));
    assertThat(keptKinds).contains("guidance");
    assertThat(system).contains("<context>");
  }

  private Reply chat(String model, List<String> turns, String query) {
    StringBuilder body =
        new StringBuilder("{\"model\":\"" + model + "\",\"max_tokens\":" + MAX_TOKENS + ",");
    body.append("\"messages\":[");
    for (int i = 0; i < turns.size(); i++) {
      String role = i % 2 == 0 ? "user" : "assistant";
      body.append("{\"role\":\"")
          .append(role)
          .append("\",\"content\":")
          .append(MAPPER.valueToTree(turns.get(i)).toString())
          .append("},");
    }
    body.append("{\"role\":\"user\",\"content\":")
        .append(MAPPER.valueToTree(query).toString())
        .append("}]}");
    return http.post("/v1/chat/completions", body.toString());
  }

  /** Nyx's estimate (PromptAssembler): ceil(chars / 4) + 4 per message. */
  private static int estimate(JsonNode messages) {
    int total = 0;
    for (JsonNode m : messages) {
      total += (m.get("content").asText().length() + 3) / 4 + 4;
    }
    return total;
  }

  private static Set<Long> labels(String system) {
    Set<Long> ids = new HashSet<>();
    Matcher m = MEMORY_LABEL.matcher(system);
    while (m.find()) {
      ids.add(Long.parseLong(m.group(1)));
    }
    return ids;
  }

  private static Map<Long, Double> scores(JsonNode items) {
    Map<Long, Double> out = new java.util.HashMap<>();
    items.forEach(
        i -> {
          if (i.get("kind").asText().equals("memory")) {
            out.put(i.get("id").asLong(), i.get("score").asDouble());
          }
        });
    return out;
  }

  /** The ranking scores of the query's candidates, as /memory/search computes them. */
  private Map<Long, Double> recallScores(String query) {
    Reply r =
        http.get(
            "/memory/search?k=20&q="
                + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8));
    Map<Long, Double> out = new java.util.HashMap<>();
    r.json().get("data").forEach(d -> out.put(d.get("id").asLong(), d.get("score").asDouble()));
    return out;
  }

  private JsonNode storedContext(String queryId) {
    return StoredRows.json(fixture.nyx(), queryId, "context");
  }
}
