package io.nyx.adapter;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One row of the registry: a specialist's adapter version, the name vLLM serves it under (never
 * reused, so a version is never loaded in place), where its files are, what it was checked against,
 * and its state with the latest transition's reason, actor and figures.
 *
 * @param path the adapter directory as vLLM reads it; "" for a version served by vLLM's own {@code
 *     --lora-modules} whose path Nyx never learned
 * @param baseModel {@code base_model_name_or_path} of its adapter_config.json; null when never
 *     inspected (the shipped version 1)
 * @param rank the LoRA rank {@code r}; null when never inspected
 * @param share the share of its specialist's requests it answers while a canary; 0 otherwise
 * @param loaded whether vLLM served it when Nyx last looked
 */
public record AdapterVersion(
    String specialist,
    int version,
    String name,
    String path,
    @Nullable String baseModel,
    @Nullable Integer rank,
    Instant createdAt,
    AdapterState state,
    Instant stateSince,
    double share,
    String reason,
    String actor,
    Map<String, Object> figures,
    boolean loaded) {

  public AdapterVersion {
    figures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(figures));
  }

  /** The served name of a specialist's version: {@code mnemosyne-v3}. */
  public static String servedName(String specialist, int version) {
    return specialist + "-v" + version;
  }
}
