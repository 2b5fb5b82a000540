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
   * The ranking model's embedder ({@link EmbeddingConfig#ranking()}), if any. Its runtime is shared
   * with any other embedder of the same model in the process, so one more costs nothing to load.
   */
  public static Optional<Embedder> ranker(EmbeddingConfig config) {
    return config
        .ranking()
        .map(m -> new OnnxEmbedder(m, OnnxEmbedder.defaultPool(), config.splitLongTexts()));
  }

  /**
   * The embedder Eleos's risk screen needs of its own, if any. Its seed phrases, the benign margin
   * and {@code context.risk_threshold} were chosen on all-MiniLM-L6-v2's cosines; another model's
   * sit elsewhere (BGE-small flagged every one of the 139 benign lines of the labeled safety set at
   * the MiniLM threshold), so with one, local or served, the screen keeps an in-process MiniLM of
   * its own: one more small model in memory and about a millisecond per screened text. Empty when
   * the configured embedder is MiniLM, in process or served (as operations.md shows, to take the
   * embedding work off Nyx's cores).
   */
  public static Optional<Embedder> forRiskScreen(EmbeddingConfig config) {
    boolean miniLm =
        "local".equals(config.provider())
            ? config.localModel() == LocalModel.MINILM
            : servesMiniLm(config.model());
    if (miniLm) {
      return Optional.empty();
    }
    return Optional.of(
        new OnnxEmbedder(LocalModel.MINILM, OnnxEmbedder.defaultPool(), config.splitLongTexts()));
  }

  /**
   * Whether a served model is all-MiniLM-L6-v2, by its name with any organisation prefix
   * ("sentence-transformers/all-MiniLM-L6-v2"); a fine-tune under another name is another model.
   */
  static boolean servesMiniLm(String model) {
    String name = model.substring(model.lastIndexOf('/') + 1);
    return name.equalsIgnoreCase("all-MiniLM-L6-v2");
  }
}
