package io.nyx.config;

/**
 * The OpenAI-compatible model server (vLLM). {@code baseModel} is the name sent when the base model
 * answers (abstain); empty means the {@code model} field is omitted, which vLLM reads as its base
 * model.
 */
public record LlmConfig(
    String url,
    String apiKey,
    String baseModel,
    int connectTimeoutMs,
    int readTimeoutMs,
    int maxRetries,
    int retryBaseMs,
    double retryBudget,
    int breakerFailures,
    int breakerOpenMs,
    int maxWaiting) {
  public static final String DEFAULT_URL = "http://localhost:8000/v1";
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
  public static final int DEFAULT_READ_TIMEOUT_MS = 120_000;
  public static final int DEFAULT_MAX_RETRIES = 2;
  public static final int DEFAULT_RETRY_BASE_MS = 100;
  public static final double DEFAULT_RETRY_BUDGET = 0.2;
  public static final int DEFAULT_BREAKER_FAILURES = 5;
  public static final int DEFAULT_BREAKER_OPEN_MS = 10_000;

  /**
   * Requests waiting in vLLM's own queue above which new calls are refused (503 + Retry-After):
   * half of vLLM's default batch (256 sequences) already waiting means seconds of queueing.
   */
  public static final int DEFAULT_MAX_WAITING = 128;

  public LlmConfig {
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new ConfigException("llm.url", url, "an http(s) URL such as " + DEFAULT_URL);
    }
    apiKey = apiKey == null ? "" : apiKey;
    baseModel = baseModel == null ? "" : baseModel;
    if (connectTimeoutMs < 1 || connectTimeoutMs > 600_000) {
      throw new ConfigException("llm.connect_timeout_ms", connectTimeoutMs, "in [1, 600000]");
    }
    if (maxRetries < 0 || maxRetries > 10) {
      throw new ConfigException("llm.max_retries", maxRetries, "in [0,10]");
    }
    if (retryBaseMs < 1 || retryBaseMs > 60_000) {
      throw new ConfigException("llm.retry_base_ms", retryBaseMs, "in [1,60000]");
    }
    if (!(retryBudget >= 0 && retryBudget <= 1)) {
      throw new ConfigException("llm.retry_budget", retryBudget, "in [0,1]");
    }
    if (breakerFailures < 1 || breakerFailures > 1000) {
      throw new ConfigException("llm.breaker_failures", breakerFailures, "in [1,1000]");
    }
    if (breakerOpenMs < 1 || breakerOpenMs > 3_600_000) {
      throw new ConfigException("llm.breaker_open_ms", breakerOpenMs, "in [1,3600000]");
    }
    if (maxWaiting < 0 || maxWaiting > 1_000_000) {
      throw new ConfigException("llm.max_waiting", maxWaiting, "in [0, 1000000] (0: off)");
    }
    if (readTimeoutMs < 1 || readTimeoutMs > 3_600_000) {
      throw new ConfigException("llm.read_timeout_ms", readTimeoutMs, "in [1, 3600000]");
    }
  }

  /** Without a trailing slash. */
  public String baseUrl() {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
