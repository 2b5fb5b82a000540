package io.nyx.config;

import io.nyx.memory.LocalModel;
import java.util.Optional;
import java.util.Set;

/**
 * Sentence embeddings: {@code local} runs {@code model} in-process, offline (one of {@link
 * LocalModel}'s ids; blank means {@link #DEFAULT_LOCAL_MODEL}); {@code openai} calls an
 * OpenAI-compatible {@code /v1/embeddings} endpoint at {@code url} with {@code model}. Exemplar
 * caches, the memory index and stored memories are keyed by the model id, so a switch never mixes
 * vectors of two models. {@code splitLongTexts}: a lone text of 64 tokens or more may embed on two
 * cores when that pays ({@code local} only). {@code encodingFormat}: how {@code openai} asks for
 * vectors ({@code base64}: little-endian float32, a quarter of the parsing; {@code float}: JSON
 * numbers, for servers without base64). {@code maxInFlight}: at most this many {@code openai}
 * requests for single texts at once; texts asked for meanwhile wait and go together in the next
 * one. {@code rankingModel}: the in-process model that orders the specialists that fit and is asked
 * before abstaining ({@code auto}: bge-small-en-v1.5 beside the in-process MiniLM, none otherwise;
 * {@code none}; or a {@link LocalModel} id); docs/routing.md has why and what it costs.
 */
public record EmbeddingConfig(
    String provider,
    String url,
    String model,
    boolean splitLongTexts,
    String encodingFormat,
    int maxInFlight,
    String rankingModel) {
  public static final String DEFAULT_ENCODING_FORMAT = "base64";
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;

  /**
   * The in-process model when none is named: MiniLM, whose abstention holds on the shipped route
   * sets and which costs a half to a quarter of BGE-small's CPU (docs/routing.md has the table of
   * every model on every set and the reasons).
   */
  public static final String DEFAULT_LOCAL_MODEL = LocalModel.MINILM.id();

  private static final Set<String> ENCODINGS = Set.of("base64", "float");

  public static final String AUTO = "auto";
  public static final String NONE = "none";

  public EmbeddingConfig {
    if (!"local".equals(provider) && !"openai".equals(provider)) {
      throw new ConfigException("embedding.provider", provider, "local or openai");
    }
    url = url == null ? "" : url;
    model = model == null ? "" : model;
    if ("local".equals(provider)) {
      model = model.isBlank() ? DEFAULT_LOCAL_MODEL : model;
      if (LocalModel.byId(model).isEmpty()) {
        throw new ConfigException(
            "embedding.model", model, "one of " + LocalModel.ids() + " when provider is local");
      }
    }
    if ("openai".equals(provider) && !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new ConfigException("embedding.url", url, "an http(s) URL when provider is openai");
    }
    if ("openai".equals(provider) && model.isBlank()) {
      throw new ConfigException("embedding.model", model, "a model name when provider is openai");
    }
    if (!ENCODINGS.contains(encodingFormat)) {
      throw new ConfigException("embedding.encoding_format", encodingFormat, "base64 or float");
    }
    rankingModel = rankingModel == null || rankingModel.isBlank() ? AUTO : rankingModel;
    if (!AUTO.equals(rankingModel)
        && !NONE.equals(rankingModel)
        && LocalModel.byId(rankingModel).isEmpty()) {
      throw new ConfigException(
          "embedding.ranking_model", rankingModel, "auto, none or one of " + LocalModel.ids());
    }
    if (maxInFlight < 1 || maxInFlight > 256) {
      throw new ConfigException(
          "embedding.max_in_flight", String.valueOf(maxInFlight), "an integer from 1 to 256");
    }
  }

  /**
   * The ranking model in use: {@code auto} gives bge-small-en-v1.5 when the embedder is the
   * in-process MiniLM (a remote provider is chosen to keep embedding work off Nyx's cores, and BGE
   * needs none); a model the embedder already is adds nothing.
   */
  public Optional<LocalModel> ranking() {
    Optional<LocalModel> named =
        switch (rankingModel) {
          case AUTO ->
              "local".equals(provider) && localModel() == LocalModel.MINILM
                  ? Optional.of(LocalModel.BGE_SMALL)
                  : Optional.empty();
          case NONE -> Optional.empty();
          default -> LocalModel.byId(rankingModel);
        };
    return named.filter(m -> !("local".equals(provider) && m == localModel()));
  }

  /** The in-process model ({@code local} only). */
  public LocalModel localModel() {
    return LocalModel.byId(model)
        .orElseThrow(() -> new IllegalStateException("not a local model: " + model));
  }
}
