package io.nyx.config;

import io.nyx.export.ExportSettings;
import io.nyx.export.ScrubRule;
import io.nyx.learning.RewardWeights;
import io.nyx.learning.TraitConfig;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.tracing.TracingSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Resolves {@link NyxConfig}: flag > environment > YAML file > default. The only class that reads
 * the environment (it is handed in, so tests pass their own map). The file's path comes from {@code
 * --config} or {@code NYX_CONFIG}; a file with a {@code specialists} list replaces the shipped
 * five.
 */
public final class ConfigLoader {
  /** Each overridable setting: flag name, environment variable, YAML path. */
  public record Override(String flag, String env, String path) {}

  public static final List<Override> OVERRIDES =
      List.of(
          new Override("port", "NYX_PORT", "server.port"),
          new Override("host", "NYX_HOST", "server.host"),
          new Override("llm-url", "NYX_LLM_URL", "llm.url"),
          new Override("db-url", "NYX_DB_URL", "db.url"),
          new Override("data-dir", "NYX_DATA_DIR", "data_dir"),
          new Override("embedding-model", "NYX_EMBEDDING_MODEL", "embedding.model"),
          new Override("ranking-model", "NYX_RANKING_MODEL", "embedding.ranking_model"));

  private static final List<String> TOP =
      List.of(
          "server",
          "llm",
          "db",
          "data_dir",
          "embedding",
          "routing",
          "traits",
          "context",
          "security",
          "specialists",
          "rewards",
          "adapters",
          "export",
          "tracing");

  static final List<String> EXPORT_KEYS =
      List.of("near_duplicate_threshold", "scrub_defaults", "scrub");

  static final List<String> SCRUB_RULE_KEYS = List.of("name", "pattern", "placeholder", "check");

  static final List<String> SERVER_KEYS =
      List.of(
          "host",
          "port",
          "max_body_bytes",
          "max_query_chars",
          "max_concurrent",
          "shutdown_grace_ms",
          "header_timeout_ms",
          "body_timeout_ms",
          "allowed_hosts");

  static final List<String> LLM_KEYS =
      List.of(
          "url",
          "api_key",
          "base_model",
          "connect_timeout_ms",
          "read_timeout_ms",
          "max_retries",
          "retry_base_ms",
          "retry_budget",
          "breaker_failures",
          "breaker_open_ms",
          "max_waiting");

  static final List<String> DB_KEYS =
      List.of("url", "user", "password", "app_user", "app_password");

  static final List<String> EMBEDDING_KEYS =
      List.of(
          "provider",
          "url",
          "model",
          "split_long_texts",
          "encoding_format",
          "max_in_flight",
          "ranking_model");

  static final List<String> TRAITS_KEYS =
      List.of(
          "min",
          "max",
          "reward_evidence",
          "feedback_evidence",
          "prior_strength",
          "half_life_s",
          "max_step",
          "hysteresis",
          "pin_s",
          "explore",
          "clusters",
          "cluster_min_evidence",
          "bandit_margin",
          "feedback_max_evidence",
          "feedback_window_s");

  static final List<String> TRACING_KEYS = List.of("endpoint", "service_name", "sample_ratio");

  static final List<String> CONTEXT_KEYS =
      List.of(
          "time_zone",
          "memory_top_k",
          "facts_top_k",
          "max_prompt_tokens",
          "risk_threshold",
          "safety_categories",
          "memory_recency_weight",
          "memory_half_life_days",
          "memory_importance_weight",
          "memory_index",
          "memory_ef_search",
          "grounding_threshold");

  /**
   * Every key the loader accepts, by where it sits ({@code ""} is the top level, {@code []} an
   * entry of a list): what {@code nyx.example.yaml} must show and the settings table lists, checked
   * by {@code SettingsDocsTest}, so neither can drift from the code.
   */
  public static final Map<String, List<String>> KEYS = catalog();

  private static Map<String, List<String>> catalog() {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    keys.put("", TOP);
    keys.put("server", SERVER_KEYS);
    keys.put("llm", LLM_KEYS);
    keys.put("db", DB_KEYS);
    keys.put("embedding", EMBEDDING_KEYS);
    keys.put("routing", RoutingConfigs.KEYS);
    keys.put("traits", TRAITS_KEYS);
    keys.put("context", CONTEXT_KEYS);
    keys.put("security", SecurityConfigs.KEYS);
    keys.put("security.keys[]", SecurityConfigs.KEY_FIELDS);
    keys.put("specialists[]", SpecialistsYaml.KEYS);
    keys.put("specialists[].decoding", SpecialistsYaml.DECODING_KEYS);
    keys.put("rewards", List.copyOf(RewardWeights.RANGES.keySet()));
    keys.put("adapters", AdaptersConfigs.KEYS);
    keys.put("export", EXPORT_KEYS);
    keys.put("export.scrub[]", SCRUB_RULE_KEYS);
    keys.put("tracing", TRACING_KEYS);
    return java.util.Collections.unmodifiableMap(keys);
  }

  private ConfigLoader() {}

  /**
   * @param flags parsed command-line flags without dashes (e.g. "port" → "9000")
   * @param env the process environment
   */
  public static NyxConfig load(Map<String, String> flags, Map<String, String> env) {
    String file = flags.getOrDefault("config", env.get("NYX_CONFIG"));
    Map<String, Object> tree = file == null ? new LinkedHashMap<>() : readFile(Path.of(file));
    for (Override o : OVERRIDES) {
      String value = flags.containsKey(o.flag()) ? flags.get(o.flag()) : env.get(o.env());
      if (value != null) {
        put(tree, o.path(), o.path().equals("server.port") ? parsePort(o, value) : value);
      }
    }
    return fromTree(new YamlTree("", tree), env);
  }

  /** Reads only the specialists of a file (the {@code route} command needs nothing else). */
  public static List<SpecialistConfig> specialists(@Nullable String file) {
    if (file == null) {
      return SpecialistsYaml.defaults();
    }
    List<SpecialistConfig> list =
        SpecialistsYaml.fromTree(new YamlTree("", readFile(Path.of(file))));
    return list.isEmpty() ? SpecialistsYaml.defaults() : list;
  }

  static Map<String, Object> readFile(Path path) {
    String yaml;
    try {
      yaml = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("--config", "cannot read " + path + ": " + why(path, e));
    }
    try {
      return new LinkedHashMap<>(SpecialistsYaml.readTree(yaml));
    } catch (ConfigException e) {
      throw new ConfigException("--config", path + ": " + e.getMessage());
    }
  }

  /**
   * Why a file could not be read, in words: the JDK's own messages for the common cases are the
   * path alone ({@code NoSuchFileException}) or a charset class name.
   */
  static String why(Path path, IOException e) {
    return switch (e) {
      case NoSuchFileException n ->
          "no such file (working directory " + Path.of("").toAbsolutePath() + ")";
      case AccessDeniedException a -> "permission denied";
      case CharacterCodingException c -> "not UTF-8 text";
      default ->
          Files.isDirectory(path)
              ? "it is a directory, not a file"
              : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    };
  }

  private static Object parsePort(Override o, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new ConfigException(
          "server.port (--" + o.flag() + ", " + o.env() + ")", value, "an integer in [0,65535]");
    }
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> tree, String path, Object value) {
    String[] parts = path.split("\\.");
    Map<String, Object> node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.get(parts[i]);
      Map<String, Object> next =
          child instanceof Map<?, ?> m
              ? new LinkedHashMap<>((Map<String, Object>) m)
              : new LinkedHashMap<>();
      node.put(parts[i], next);
      node = next;
    }
    node.put(parts[parts.length - 1], value);
  }

  static NyxConfig fromTree(YamlTree root, Map<String, String> env) {
    root.rejectUnknown(TOP);
    List<SpecialistConfig> specialists = SpecialistsYaml.fromTree(root);
    return new NyxConfig(
        server(root.child("server")),
        llm(root.child("llm")),
        db(root.child("db")),
        dataDir(root.string("data_dir"), env),
        embedding(root.child("embedding")),
        RoutingConfigs.fromTree(root.child("routing")),
        traits(root.child("traits")),
        context(root.child("context")),
        SecurityConfigs.fromTree(root.child("security")),
        specialists.isEmpty() ? SpecialistsYaml.defaults() : specialists,
        RewardWeights.DEFAULT.with(RewardConfigs.overrides(root.child("rewards"))),
        AdaptersConfigs.fromTree(root.child("adapters")),
        export(root.child("export")),
        tracing(root.child("tracing")));
  }

  /**
   * {@code export}: the near-duplicate threshold and the scrub rules (the shipped ones unless
   * {@code scrub_defaults: false}; an own rule of a shipped rule's name replaces it).
   */
  private static ExportSettings export(YamlTree t) {
    t.rejectUnknown(EXPORT_KEYS);
    List<ScrubRule> own = new java.util.ArrayList<>();
    List<YamlTree> rules = t.children("scrub");
    for (int i = 0; i < rules.size(); i++) {
      YamlTree r = rules.get(i);
      r.rejectUnknown(SCRUB_RULE_KEYS);
      own.add(
          ConfigException.under(
              "export.scrub[" + i + "].",
              () ->
                  ScrubRule.of(
                      r.string("name", ""),
                      r.string("pattern", ""),
                      r.string("placeholder", ""),
                      r.string("check", "none"))));
    }
    return ConfigException.under(
        "export.",
        () ->
            new ExportSettings(
                t.number(
                    "near_duplicate_threshold", ExportSettings.DEFAULT_NEAR_DUPLICATE_THRESHOLD),
                ExportSettings.rules(t.bool("scrub_defaults", true), own)));
  }

  private static TracingSettings tracing(YamlTree t) {
    t.rejectUnknown(TRACING_KEYS);
    TracingSettings d = TracingSettings.DEFAULT;
    return ConfigException.under(
        "tracing.",
        () ->
            new TracingSettings(
                t.string("endpoint", d.endpoint()),
                t.string("service_name", d.serviceName()),
                t.number("sample_ratio", d.sampleRatio())));
  }

  private static ServerConfig server(YamlTree t) {
    t.rejectUnknown(SERVER_KEYS);
    return new ServerConfig(
        t.string("host", ServerConfig.DEFAULT_HOST),
        t.integer("port", ServerConfig.DEFAULT_PORT),
        (long) t.number("max_body_bytes", ServerConfig.DEFAULT_MAX_BODY_BYTES),
        t.integer("max_query_chars", ServerConfig.DEFAULT_MAX_QUERY_CHARS),
        t.integer("max_concurrent", ServerConfig.DEFAULT_MAX_CONCURRENT),
        t.integer("shutdown_grace_ms", ServerConfig.DEFAULT_SHUTDOWN_GRACE_MS),
        t.integer("header_timeout_ms", ServerConfig.DEFAULT_HEADER_TIMEOUT_MS),
        t.integer("body_timeout_ms", ServerConfig.DEFAULT_BODY_TIMEOUT_MS),
        t.has("allowed_hosts") ? t.strings("allowed_hosts") : ServerConfig.DEFAULT_ALLOWED_HOSTS);
  }

  private static LlmConfig llm(YamlTree t) {
    t.rejectUnknown(LLM_KEYS);
    return new LlmConfig(
        t.string("url", LlmConfig.DEFAULT_URL),
        t.string("api_key", ""),
        t.string("base_model", ""),
        t.integer("connect_timeout_ms", LlmConfig.DEFAULT_CONNECT_TIMEOUT_MS),
        t.integer("read_timeout_ms", LlmConfig.DEFAULT_READ_TIMEOUT_MS),
        t.integer("max_retries", LlmConfig.DEFAULT_MAX_RETRIES),
        t.integer("retry_base_ms", LlmConfig.DEFAULT_RETRY_BASE_MS),
        t.number("retry_budget", LlmConfig.DEFAULT_RETRY_BUDGET),
        t.integer("breaker_failures", LlmConfig.DEFAULT_BREAKER_FAILURES),
        t.integer("breaker_open_ms", LlmConfig.DEFAULT_BREAKER_OPEN_MS),
        t.integer("max_waiting", LlmConfig.DEFAULT_MAX_WAITING));
  }

  private static DbConfig db(YamlTree t) {
    t.rejectUnknown(DB_KEYS);
    return new DbConfig(
        t.string("url", ""),
        t.string("user", ""),
        t.string("password", ""),
        t.string("app_user", ""),
        t.string("app_password", ""));
  }

  private static Path dataDir(@Nullable String value, Map<String, String> env) {
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    if (value == null || value.isBlank()) {
      return Path.of(home, ".nyx");
    }
    return value.startsWith("~/") ? Path.of(home, value.substring(2)) : Path.of(value);
  }

  private static EmbeddingConfig embedding(YamlTree t) {
    t.rejectUnknown(EMBEDDING_KEYS);
    return new EmbeddingConfig(
        t.string("provider", "local"),
        t.string("url", ""),
        t.string("model", ""),
        t.bool("split_long_texts", true),
        t.string("encoding_format", EmbeddingConfig.DEFAULT_ENCODING_FORMAT),
        t.integer("max_in_flight", EmbeddingConfig.DEFAULT_MAX_IN_FLIGHT),
        t.string("ranking_model", EmbeddingConfig.AUTO));
  }

  private static TraitConfig traits(YamlTree t) {
    t.rejectUnknown(TRAITS_KEYS);
    TraitConfig d = TraitConfig.DEFAULT;
    return ConfigException.under(
        "traits.",
        () ->
            new TraitConfig(
                t.number("min", d.min()),
                t.number("max", d.max()),
                t.number("reward_evidence", d.rewardEvidence()),
                t.number("feedback_evidence", d.feedbackEvidence()),
                t.number("prior_strength", d.priorStrength()),
                t.number("half_life_s", d.halfLifeS()),
                t.number("max_step", d.maxStep()),
                t.number("hysteresis", d.hysteresis()),
                t.number("pin_s", d.pinS()),
                t.number("explore", d.explore()),
                t.integer("clusters", d.clusters()),
                t.number("cluster_min_evidence", d.clusterMinEvidence()),
                t.number("bandit_margin", d.banditMargin()),
                t.number("feedback_max_evidence", d.feedbackMaxEvidence()),
                t.number("feedback_window_s", d.feedbackWindowS())));
  }

  private static ContextConfig context(YamlTree t) {
    t.rejectUnknown(CONTEXT_KEYS);
    ContextConfig d = ContextConfig.DEFAULT;
    return new ContextConfig(
        t.string("time_zone", d.timeZone()),
        t.integer("memory_top_k", d.memoryTopK()),
        t.integer("facts_top_k", d.factsTopK()),
        t.integer("max_prompt_tokens", d.maxPromptTokens()),
        t.number("risk_threshold", d.riskThreshold()),
        t.string("safety_categories", d.safetyCategories()),
        memory(t));
  }

  /** An integer, or "auto" (the default) for a beam that follows the index size. */
  private static int efSearch(YamlTree t) {
    String value = t.string("memory_ef_search", "auto");
    if (value.equals("auto")) {
      return MemorySettings.AUTO_EF_SEARCH;
    }
    try {
      int beam = Integer.parseInt(value);
      if (beam >= 10 && beam <= 10_000) {
        return beam;
      }
    } catch (NumberFormatException e) {
      // reported below with the allowed values
    }
    Object shown = value.matches("-?\\d+(\\.\\d+)?") ? new BigDecimal(value) : value;
    throw new ConfigException(
        "context.memory_ef_search", shown, "auto or an integer in [10,10000]");
  }

  private static MemorySettings memory(YamlTree t) {
    MemorySettings d = MemorySettings.DEFAULT;
    return new MemorySettings(
        t.number("memory_recency_weight", d.recencyWeight()),
        t.number("memory_half_life_days", d.halfLifeDays()),
        t.number("memory_importance_weight", d.importanceWeight()),
        t.string("memory_index", d.index()),
        efSearch(t),
        t.number("grounding_threshold", d.groundingThreshold()));
  }
}
