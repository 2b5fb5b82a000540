package io.nyx.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.memory.LocalModel;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.Decoding;
import io.nyx.specialist.SpecialistConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path file = dir.resolve("nyx.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaultsWithoutFileEnvOrFlags() {
    NyxConfig c = ConfigLoader.load(Map.of(), Map.of("HOME", "/home/u"));
    assertThat(c.server().port()).isEqualTo(8080);
    assertThat(c.server().host()).isEqualTo("127.0.0.1");
    assertThat(c.llm().baseUrl()).isEqualTo("http://localhost:8000/v1");
    assertThat(c.db().embedded()).isTrue();
    assertThat(c.dataDir()).isEqualTo(Path.of("/home/u/.nyx"));
    assertThat(c.specialists())
        .extracting(SpecialistConfig::name)
        .containsExactly("mnemosyne", "moira", "aletheia", "kairos", "eleos");
  }

  @Test
  void flagBeatsEnvBeatsFileBeatsDefault() throws IOException {
    Path file =
        yaml("server:\n  port: 7000\nllm:\n  url: http://file:1/v1\ndata_dir: /from/file\n");
    Map<String, String> env =
        Map.of("NYX_CONFIG", file.toString(), "NYX_PORT", "7100", "NYX_LLM_URL", "http://env:2/v1");
    NyxConfig c = ConfigLoader.load(Map.of("port", "7200"), env);
    assertThat(c.server().port()).isEqualTo(7200);
    assertThat(c.llm().url()).isEqualTo("http://env:2/v1");
    assertThat(c.dataDir()).isEqualTo(Path.of("/from/file"));
    assertThat(c.server().maxBodyBytes()).isEqualTo(ServerConfig.DEFAULT_MAX_BODY_BYTES);
  }

  @Test
  void splittingLongTextsIsOnByDefaultAndCanBeTurnedOff() throws IOException {
    assertThat(ConfigLoader.load(Map.of(), Map.of()).embedding().splitLongTexts()).isTrue();
    Path file = yaml("embedding:\n  split_long_texts: false\n");
    NyxConfig c = ConfigLoader.load(Map.of("config", file.toString()), Map.of());
    assertThat(c.embedding().splitLongTexts()).isFalse();
  }

  @Test
  void remoteEmbeddingsAskForBase64AndBatchBehindFourCallsByDefault() throws IOException {
    NyxConfig defaults = ConfigLoader.load(Map.of(), Map.of());
    assertThat(defaults.embedding().encodingFormat()).isEqualTo("base64");
    assertThat(defaults.embedding().maxInFlight()).isEqualTo(4);
    Path file = yaml("embedding:\n  encoding_format: float\n  max_in_flight: 16\n");
    NyxConfig c = ConfigLoader.load(Map.of("config", file.toString()), Map.of());
    assertThat(c.embedding().encodingFormat()).isEqualTo("float");
    assertThat(c.embedding().maxInFlight()).isEqualTo(16);

    Path bytes = yaml("embedding:\n  encoding_format: bytes\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", bytes.toString()), Map.of()))
        .hasMessage("embedding.encoding_format must be base64 or float but was \"bytes\"");
    Path zero = yaml("embedding:\n  max_in_flight: 0\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", zero.toString()), Map.of()))
        .hasMessageContaining("embedding.max_in_flight must be an integer from 1 to 256");
  }

  @Test
  void tracingIsOffByDefaultAndOnWithAnEndpoint() throws IOException {
    assertThat(ConfigLoader.load(Map.of(), Map.of()).tracing().enabled()).isFalse();
    Path file =
        yaml(
            "tracing:\n  endpoint: http://collector:4318\n  service_name: nyx-eu\n"
                + "  sample_ratio: 0.25\n");
    NyxConfig c = ConfigLoader.load(Map.of("config", file.toString()), Map.of());
    assertThat(c.tracing().enabled()).isTrue();
    assertThat(c.tracing().tracesUrl()).isEqualTo("http://collector:4318/v1/traces");
    assertThat(c.tracing().serviceName()).isEqualTo("nyx-eu");
    assertThat(c.tracing().sampleRatio()).isEqualTo(0.25);

    Path bad = yaml("tracing:\n  endpoint: collector:4318\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", bad.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tracing.endpoint");
  }

  @Test
  void tokenWeightIsTheModelsOwnUnlessANumberIsGiven() throws IOException {
    double auto = io.nyx.routing.RoutingSettings.AUTO_TOKEN_WEIGHT;
    assertThat(ConfigLoader.load(Map.of(), Map.of()).routing().tokenWeight()).isEqualTo(auto);
    Path named = yaml("routing:\n  token_weight: auto\n");
    assertThat(
            ConfigLoader.load(Map.of("config", named.toString()), Map.of()).routing().tokenWeight())
        .isEqualTo(auto);
    Path number = yaml("routing:\n  token_weight: 0.3\n");
    assertThat(
            ConfigLoader.load(Map.of("config", number.toString()), Map.of())
                .routing()
                .tokenWeight())
        .isEqualTo(0.3);
    assertRefused(
        "routing:\n  token_weight: 1.5\n",
        "routing.token_weight must be auto or in [0,1] but was 1.5");
  }

  @Test
  void memoryBeamFollowsTheIndexSizeUnlessANumberIsGiven() throws IOException {
    int auto = MemorySettings.AUTO_EF_SEARCH;
    assertThat(ConfigLoader.load(Map.of(), Map.of()).context().memory().efSearch()).isEqualTo(auto);
    Path named = yaml("context:\n  memory_ef_search: auto\n");
    assertThat(
            ConfigLoader.load(Map.of("config", named.toString()), Map.of())
                .context()
                .memory()
                .efSearch())
        .isEqualTo(auto);
    Path number = yaml("context:\n  memory_ef_search: 400\n");
    assertThat(
            ConfigLoader.load(Map.of("config", number.toString()), Map.of())
                .context()
                .memory()
                .efSearch())
        .isEqualTo(400);
    for (String bad : new String[] {"0", "9", "10001", "\"wide\"", "1.5"}) {
      assertRefused(
          "context:\n  memory_ef_search: " + bad + "\n",
          "context.memory_ef_search must be auto or an integer in [10,10000] but was " + bad);
    }
  }

  @Test
  void unknownKeyIsRejectedWithItsPath() throws IOException {
    Path file = yaml("llm:\n  urll: http://x/v1\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", file.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("llm.urll")
        .hasMessageContaining("allowed here");
  }

  @Test
  void badValueNamesKeyValueAndRange() throws IOException {
    Path file = yaml("traits:\n  reward_evidence: 170\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", file.toString()), Map.of()))
        .hasMessage("traits.reward_evidence must be in [0,100] but was 170.0");
  }

  @Test
  void domainSettingsAreNamedByTheirFullKeyPath() throws IOException {
    assertRefused(
        "routing:\n  threshold: 1.7\n", "routing.threshold must be auto or in (0,1) but was 1.7");
    assertRefused("routing:\n  top_k: 0\n", "routing.top_k must be in [1,100] but was 0");
    assertRefused(
        "routing:\n  master_url: ftp://m\n",
        "routing.master_url must be empty or an http(s) URL but was \"ftp://m\"");
    assertRefused(
        "traits:\n  clusters: 2000\n",
        "traits.clusters must be in [0,1024] (0 = off) but was 2000");
    assertRefused(
        "specialists:\n  - {name: tech, exemplars: [x], decoding: {temperature: 3}}\n",
        "specialists[tech].decoding.temperature must be in [0,2] but was 3.0");
    assertRefused(
        "specialists:\n  - {name: tech, adapter: ' ', exemplars: [x]}\n",
        "specialists[tech].adapter must be a non-empty vLLM model id but was \" \"");
    assertRefused(
        "specialists:\n  - {name: Tech, exemplars: [x]}\n",
        "specialists[].name must be matching [a-z0-9][a-z0-9_-]{0,62} but was \"Tech\"");
    assertRefused(
        "security:\n  keys:\n    - {name: a, sha256: x, scopes: [root]}\n",
        "security.keys[].scopes must be one of infer, feedback, admin but was \"root\"");
  }

  @Test
  void theRankingModelIsBgeBesideLocalMiniLmAndNoneOtherwiseUnlessNamed() throws IOException {
    assertThat(ConfigLoader.load(Map.of(), Map.of()).embedding().ranking())
        .contains(LocalModel.BGE_SMALL);
    assertThat(ranking("  ranking_model: none\n")).isEmpty();
    assertThat(ranking("  model: bge-small-en-v1.5-q\n")).isEmpty(); // BGE ranks by itself
    assertThat(ranking("  provider: openai\n  url: http://gpu:8001/v1\n  model: m\n")).isEmpty();
    assertThat(
            ranking(
                "  provider: openai\n  url: http://gpu:8001/v1\n  model: m\n"
                    + "  ranking_model: bge-small-en-v1.5-q\n"))
        .contains(LocalModel.BGE_SMALL);
    NyxConfig flagged =
        ConfigLoader.load(Map.of("ranking-model", "none"), Map.of("NYX_RANKING_MODEL", "auto"));
    assertThat(flagged.embedding().ranking()).isEmpty();
    assertRefused(
        "embedding:\n  ranking_model: gpt\n",
        "embedding.ranking_model must be auto, none or one of all-minilm-l6-v2-q,"
            + " bge-small-en-v1.5-q but was \"gpt\"");
  }

  private Optional<LocalModel> ranking(String embedding) throws IOException {
    Path file = yaml("embedding:\n" + embedding);
    return ConfigLoader.load(Map.of("config", file.toString()), Map.of()).embedding().ranking();
  }

  private void assertRefused(String yaml, String message) throws IOException {
    Path file = yaml(yaml);
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", file.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void rewardWeightsAreSharedAndPerSpecialist() throws IOException {
    Path file =
        yaml(
            "rewards:\n  unsafe_output: -1.0\nspecialists:\n  - name: facts\n    description: d\n"
                + "    reward: {grounding: 1.5}\n  - name: other\n    description: e\n");
    NyxConfig c = ConfigLoader.load(Map.of("config", file.toString()), Map.of());
    assertThat(c.rewards().unsafeOutput()).isEqualTo(-1.0);
    assertThat(c.rewardFunctions().of("facts").weights().grounding()).isEqualTo(1.5);
    assertThat(c.rewardFunctions().of("facts").weights().unsafeOutput()).isEqualTo(-1.0);
    assertThat(c.rewardFunctions().of("other").weights().grounding()).isEqualTo(0.5);
    Path bad =
        yaml("specialists:\n  - name: facts\n    description: d\n    reward: {grounding: 3}\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", bad.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("reward.grounding")
        .hasMessageContaining("[0.0, 2.0]");
    Path unknown = yaml("rewards:\n  kindness: 1\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", unknown.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rewards.kindness");
  }

  @Test
  void badPortFromEnvironmentNamesTheVariable() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("NYX_PORT", "eighty")))
        .hasMessageContaining("NYX_PORT")
        .hasMessageContaining("\"eighty\"");
  }

  @Test
  void specialistsInFileReplaceTheDefaults() throws IOException {
    Path file =
        yaml(
            """
            specialists:
              - name: billing
                adapter: billing@v2
                context: facts
                exemplars: ["my invoice is wrong", "refund please"]
              - name: tech
                description: "technical support"
                exemplars: ["the app crashes"]
                decoding: {temperature: 0.1, max_tokens: 64}
            """);
    NyxConfig c = ConfigLoader.load(Map.of("config", file.toString()), Map.of());
    assertThat(c.specialists()).hasSize(2);
    assertThat(c.specialist("billing").adapter()).isEqualTo("billing@v2");
    assertThat(c.specialist("billing").context()).isEqualTo(ContextStrategy.FACTS);
    assertThat(c.specialist("tech").adapter()).isEqualTo("tech");
    assertThat(c.specialist("tech").decoding()).isEqualTo(new Decoding(0.1, 0.95, 64));
  }

  @Test
  void duplicateSpecialistAndBadContextAreNamed() throws IOException {
    Path dup = yaml("specialists:\n  - {name: a, exemplars: [x]}\n  - {name: a, exemplars: [y]}\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", dup.toString()), Map.of()))
        .hasMessageContaining("specialists[].name must be unique");
    Path ctx = yaml("specialists:\n  - {name: a, context: dreams, exemplars: [x]}\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", ctx.toString()), Map.of()))
        .hasMessageContaining("one of memory, facts, time, safety, foresight, none");
  }

  @Test
  void malformedYamlIsAConfigError() throws IOException {
    Path file = yaml("server: [unclosed\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", file.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void slowClientDeadlinesAreReadAndRangeChecked() throws IOException {
    Path ok = yaml("server:\n  header_timeout_ms: 2500\n  body_timeout_ms: 7000\n");
    ServerConfig server = ConfigLoader.load(Map.of("config", ok.toString()), Map.of()).server();
    assertThat(server.headerTimeoutMs()).isEqualTo(2500);
    assertThat(server.bodyTimeoutMs()).isEqualTo(7000);
    assertThat(ConfigLoader.load(Map.of(), Map.of()).server().headerTimeoutMs())
        .isEqualTo(ServerConfig.DEFAULT_HEADER_TIMEOUT_MS);
    Path zero = yaml("server:\n  header_timeout_ms: 0\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", zero.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.header_timeout_ms")
        .hasMessageContaining("0")
        .hasMessageContaining("[100, 600000]");
    Path huge = yaml("server:\n  body_timeout_ms: 900000\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", huge.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.body_timeout_ms")
        .hasMessageContaining("900000");
  }

  @Test
  void appRoleIsReadAndChecked() throws IOException {
    Path ok =
        yaml(
            "db:\n  url: jdbc:postgresql://db:5432/nyx\n  user: owner\n"
                + "  app_user: nyx_app\n  app_password: s3cret\n");
    DbConfig db = ConfigLoader.load(Map.of("config", ok.toString()), Map.of()).db();
    assertThat(db.appUser()).isEqualTo("nyx_app");
    assertThat(db.appPassword()).isEqualTo("s3cret");
    Path quote = yaml("db:\n  url: jdbc:postgresql://db/nyx\n  app_user: 'nyx\"; DROP'\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", quote.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("db.app_user")
        .hasMessageContaining("[a-z_][a-z0-9_]{0,62}");
    Path embedded = yaml("db:\n  app_user: nyx_app\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", embedded.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("db.app_user")
        .hasMessageContaining("external");
    Path inUrl = yaml("db:\n  url: jdbc:postgresql://db/nyx?user=owner\n  app_user: nyx_app\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", inUrl.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("db.url");
  }

  @Test
  void exportScrubRulesReplaceShippedOnesByNameAndAreNamedWhenWrong() throws IOException {
    NyxConfig d = ConfigLoader.load(Map.of(), Map.of());
    assertThat(d.export().nearDuplicateThreshold()).isEqualTo(0.95);
    assertThat(d.export().scrub())
        .extracting(io.nyx.export.ScrubRule::name)
        .containsExactly("api_key", "email", "card", "phone", "secret");
    Path own =
        yaml(
            """
            export:
              near_duplicate_threshold: 1
              scrub:
                - {name: email, pattern: '[a-z]+@corp\\.example', placeholder: <WORK_EMAIL>}
                - {name: ticket, pattern: 'TICKET-[0-9]+', placeholder: <TICKET>}
            """);
    NyxConfig c = ConfigLoader.load(Map.of("config", own.toString()), Map.of());
    assertThat(c.export().nearDuplicates()).isFalse();
    assertThat(c.export().scrub())
        .extracting(io.nyx.export.ScrubRule::name, io.nyx.export.ScrubRule::placeholder)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("api_key", "<API_KEY>"),
            org.assertj.core.groups.Tuple.tuple("email", "<WORK_EMAIL>"),
            org.assertj.core.groups.Tuple.tuple("card", "<CARD>"),
            org.assertj.core.groups.Tuple.tuple("phone", "<PHONE>"),
            org.assertj.core.groups.Tuple.tuple("secret", "<SECRET>"),
            org.assertj.core.groups.Tuple.tuple("ticket", "<TICKET>"));
    Path only = yaml("export:\n  scrub_defaults: false\n");
    assertThat(ConfigLoader.load(Map.of("config", only.toString()), Map.of()).export().scrub())
        .isEmpty();
    assertRefused(
        "export:\n  scrub:\n    - {name: x, pattern: '([a-z', placeholder: <X>}\n",
        "export.scrub[0].pattern must be a Java regular expression (Unclosed character class)"
            + " but was \"([a-z\"");
    assertRefused(
        "export:\n  scrub:\n    - {name: x, pattern: 'a*', placeholder: <X>}\n",
        "export.scrub[0].pattern must be a regular expression that does not match empty text"
            + " but was \"a*\"");
    assertRefused(
        "export:\n  scrub:\n    - {name: x, pattern: 'a', placeholder: <X>, check: crc}\n",
        "export.scrub[0].check must be one of none, luhn, phone but was \"crc\"");
    assertRefused(
        "export:\n  near_duplicate_threshold: 0.2\n",
        "export.near_duplicate_threshold must be in [0.5, 1] (1 = off) but was 0.2");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("config", yaml("export:\n  dedupe: 0.9\n").toString()), Map.of()))
        .hasMessageContaining("export.dedupe");
  }
}
