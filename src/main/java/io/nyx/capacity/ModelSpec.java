package io.nyx.capacity;

import io.nyx.settings.SettingException;

/**
 * A transformer's shape as far as serving memory goes, in the terms of its Hugging Face {@code
 * config.json}. A model given by flags instead of by name may leave {@code hidden}, {@code heads},
 * {@code intermediate} and {@code vocab} at 0 (unknown): then LoRA slots cannot be sized and every
 * parameter counts as quantizable.
 *
 * @param params total parameters (embeddings and LM head included)
 * @param headDim elements per attention head ({@code head_dim}, else hidden / heads)
 * @param experts MLP experts per layer (1 for a dense model)
 * @param tiedEmbeddings the LM head shares the embedding matrix ({@code tie_word_embeddings})
 * @param maxContext {@code max_position_embeddings}, the longest context vLLM accepts without an
 *     override; 0 = unknown
 * @param license the licence the model card names, or empty
 * @param source where the numbers come from (a config.json URL), or empty
 */
public record ModelSpec(
    String name,
    String hfId,
    long params,
    int layers,
    int hidden,
    int heads,
    int kvHeads,
    int headDim,
    int intermediate,
    int vocab,
    int experts,
    boolean tiedEmbeddings,
    int maxContext,
    String license,
    String source) {

  public ModelSpec {
    positive("params", params);
    positive("layers", layers);
    positive("kv-heads", kvHeads);
    positive("head-dim", headDim);
    positive("experts", experts);
    unknownOrPositive("hidden", hidden);
    unknownOrPositive("heads", heads);
    unknownOrPositive("intermediate", intermediate);
    unknownOrPositive("vocab", vocab);
    unknownOrPositive("max-context", maxContext);
    if (heads > 0 && heads % kvHeads != 0) {
      throw new SettingException(
          "kv-heads", kvHeads, "a divisor of the " + heads + " attention heads");
    }
  }

  /**
   * A model given by its numbers ({@code --params --layers --kv-heads --head-dim}, optionally
   * {@code --heads --hidden --intermediate --vocab}).
   */
  public static ModelSpec custom(
      double paramsBillions,
      int layers,
      int kvHeads,
      int headDim,
      int heads,
      int hidden,
      int intermediate,
      int vocab) {
    if (!(paramsBillions > 0 && paramsBillions <= 100_000)) {
      throw new SettingException("params", paramsBillions, "in (0, 100000] (billions)");
    }
    return new ModelSpec(
        "custom",
        "",
        Math.round(paramsBillions * 1e9),
        layers,
        hidden,
        heads,
        kvHeads,
        headDim,
        intermediate,
        vocab,
        1,
        false,
        0,
        "",
        "");
  }

  /** Parameters held in the token embeddings and the LM head, kept 16-bit when quantized. */
  public long embeddingParams() {
    return (long) vocab * hidden * (tiedEmbeddings ? 1 : 2);
  }

  /** Whether the shapes LoRA slots need (hidden, heads, intermediate) are known. */
  public boolean knowsLoraShapes() {
    return hidden > 0 && heads > 0 && intermediate > 0;
  }

  private static void unknownOrPositive(String field, int value) {
    if (value < 0) {
      throw new SettingException(field, value, "a positive integer (0 = unknown)");
    }
  }

  private static void positive(String field, long value) {
    if (value <= 0) {
      throw new SettingException(field, value, "a positive integer");
    }
  }
}
