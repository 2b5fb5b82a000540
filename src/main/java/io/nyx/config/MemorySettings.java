package io.nyx.config;

/**
 * Mnemosyne's and Aletheia's knobs under {@code context.*} (nyx.example.yaml, docs/operations.md):
 * recall weighting, the vector index and the grounding threshold.
 *
 * @param index "hnsw" (Lucene, approximate, snapshot under the data dir) or "exact" (brute force)
 * @param efSearch HNSW search beam: higher is more exact and slower; {@link #AUTO_EF_SEARCH} (the
 *     default) makes it follow the number of memories indexed
 * @param groundingThreshold share of a sentence's content words a fact must contain for the
 *     sentence to count as supported
 */
public record MemorySettings(
    double recencyWeight,
    double halfLifeDays,
    double importanceWeight,
    String index,
    int efSearch,
    double groundingThreshold) {
  /** {@code context.memory_ef_search: auto}: the beam follows the index size. */
  public static final int AUTO_EF_SEARCH = 0;

  public static final MemorySettings DEFAULT =
      new MemorySettings(0.1, 30, 0.1, "hnsw", AUTO_EF_SEARCH, 0.5);

  public MemorySettings {
    unit("context.memory_recency_weight", recencyWeight);
    unit("context.memory_importance_weight", importanceWeight);
    unit("context.grounding_threshold", groundingThreshold);
    if (!(halfLifeDays > 0 && halfLifeDays <= 36_500)) {
      throw new ConfigException("context.memory_half_life_days", halfLifeDays, "in (0,36500]");
    }
    if (!index.equals("hnsw") && !index.equals("exact")) {
      throw new ConfigException("context.memory_index", index, "hnsw or exact");
    }
    if (efSearch != AUTO_EF_SEARCH && (efSearch < 10 || efSearch > 10_000)) {
      throw new ConfigException("context.memory_ef_search", efSearch, "auto or in [10,10000]");
    }
  }

  private static void unit(String key, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new ConfigException(key, v, "in [0,1]");
    }
  }
}
