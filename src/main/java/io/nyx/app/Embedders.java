package io.nyx.app;

import io.nyx.backend.BackendSettings;
import io.nyx.backend.openai.OpenAiEmbedder;
import io.nyx.config.ConfigException;
import io.nyx.config.EmbeddingConfig;
import io.nyx.memory.CoalescingEmbedder;
import io.nyx.memory.Embedder;
import io.nyx.memory.LocalModel;
import io.nyx.memory.OnnxEmbedder;
import java.util.Optional;

/** The configured sentence embedder. */
public final class Embedders {
  private Embedders() {}

  public static Embedder create(EmbeddingConfig config) {
    return switch (config.provider()) {
      case "openai" ->
          new CoalescingEmbedder(
              new OpenAiEmbedder(
                  ConfigException.under(
                      "llm.",
                      () ->
                          new BackendSettings(
                              config.url(),
                              BackendSettings.DEFAULT_CONNECT_TIMEOUT,
                              BackendSettings.DEFAULT_READ_TIMEOUT,
                              null)),
                  config.model(),
                  0,
                  config.encodingFormat()),
              config.maxInFlight(),
              OpenAiEmbedder.BATCH_SIZE);
      default ->
          new OnnxEmbedder(
              config.localModel(), OnnxEmbedder.defaultPool(), config.splitLongTexts());
    };
  }

  /**
   * The embedder Eleos's risk screen needs of its own, if any. Its seed phrases, the benign margin
   * and {@code context.risk_threshold} were chosen on all-MiniLM-L6-v2's cosines; another local
   * model's sit much higher (BGE-small flagged every one of the 139 benign lines of the labeled
   * safety set at the MiniLM threshold), so with one the screen keeps an in-process MiniLM of its
   * own: one more small model in memory and about a millisecond per screened text. Empty when the
   * configured embedder is MiniLM, or remote (the operator chose that model for everything).
   */
  public static Optional<Embedder> forRiskScreen(EmbeddingConfig config) {
    if (!"local".equals(config.provider()) || config.localModel() == LocalModel.MINILM) {
      return Optional.empty();
    }
    return Optional.of(
        new OnnxEmbedder(LocalModel.MINILM, OnnxEmbedder.defaultPool(), config.splitLongTexts()));
  }
}
