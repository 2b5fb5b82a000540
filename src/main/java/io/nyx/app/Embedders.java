package io.nyx.app;

import io.nyx.backend.BackendSettings;
import io.nyx.backend.openai.OpenAiEmbedder;
import io.nyx.config.ConfigException;
import io.nyx.config.EmbeddingConfig;
import io.nyx.memory.CoalescingEmbedder;
import io.nyx.memory.Embedder;
import io.nyx.memory.OnnxEmbedder;

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
}
