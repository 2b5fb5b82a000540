package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.testing.HttpTestClient.Reply;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.StoredRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master model's part in a decision, end to end: a close race between two specialists that
 * share their exemplars is put to the fake vLLM through json_schema, and the answer, with why the
 * master was asked, is in {@code POST /v1/route}, in {@code /infer} and in the stored row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MasterOverHttpTest {
  static final String QUERY = "{\"query\":\"there is a double charge on my bill\"}";

  @TempDir static Path dir;
  NyxFixture fixture;

  @BeforeAll
  void start() throws IOException {
    String money =
        "    exemplars:\n"
            + "      - \"why was I charged twice this month\"\n"
            + "      - \"I need a copy of my last invoice\"\n"
            + "      - \"update the credit card on my account\"\n"
            + "      - \"when is my next payment due\"\n";
    Path yaml = dir.resolve("nyx.yaml");
    Files.writeString(
        yaml,
        "specialists:\n"
            + "  - name: billing\n"
            + money
            + "  - name: invoices\n"
            + money
            + "  - name: chef\n"
            + "    exemplars:\n"
            + "      - \"how long do I roast a whole chicken\"\n"
            + "      - \"what can I cook with leftover rice\"\n"
            + "      - \"give me a recipe for banana bread\"\n"
            + "routing:\n"
            + "  mode: hybrid\n");
    fixture = NyxFixture.start(dir, Map.of("config", yaml.toString()));
    fixture.vllm().replyStructured(req -> "{\"specialist\":\"invoices\",\"confidence\":0.8}");
  }

  @AfterAll
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void theRouteEndpointShowsTheMastersPickAndWhyItWasAsked() {
    Reply r = fixture.http().post("/v1/route", QUERY);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("specialist").asText()).isEqualTo("invoices");
    assertThat(j.get("method").asText()).isEqualTo("hybrid");
    JsonNode master = j.get("master");
    assertThat(master.get("asked").asBoolean()).isTrue();
    assertThat(master.get("trigger").asText()).isEqualTo("close_race");
    assertThat(master.get("outcome").asText()).isEqualTo("overruled");
    assertThat(master.get("choice").asText()).isEqualTo("invoices");
    assertThat(master.get("confidence").asDouble()).isEqualTo(0.8);
  }

  @Test
  void theStoredRowKeepsTheMastersVerdict() throws SQLException, IOException {
    Reply r = fixture.http().post("/infer", QUERY);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode route = storedRoute(r.json().get("id").asText());
    assertThat(route.get("method").asText()).isEqualTo("hybrid");
    assertThat(route.at("/master/trigger").asText()).isEqualTo("close_race");
    assertThat(route.at("/master/choice").asText()).isEqualTo("invoices");
  }

  private JsonNode storedRoute(String id) {
    return StoredRows.json(fixture.nyx(), id, "route");
  }
}
