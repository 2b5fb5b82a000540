package io.nyx.config;

/**
 * Sentence embeddings: {@code local} runs all-MiniLM-L6-v2 (int8) in-process, offline; {@code
 * openai} calls an OpenAI-compatible {@code /v1/embeddings} endpoint at {@code url} with {@code
 * model}. {@code splitLongTexts}: a lone text of 64 tokens or more may embed on two cores when that
 * pays ({@code local} only).
 */
public record EmbeddingConfig(String provider, String url, String model, boolean splitLongTexts) {
  public EmbeddingConfig {
    if (!"local".equals(provider) && !"openai".equals(provider)) {
      throw new ConfigException("embedding.provider", provider, "local or openai");
    }
    url = url == null ? "" : url;
    model = model == null ? "" : model;
    if ("openai".equals(provider) && !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new ConfigException("embedding.url", url, "an http(s) URL when provider is openai");
    }
    if ("openai".equals(provider) && model.isBlank()) {
      throw new ConfigException("embedding.model", model, "a model name when provider is openai");
    }
  }
}
