package io.nyx.config;

import io.nyx.adapter.AdapterSettings;
import io.nyx.export.ExportSettings;
import io.nyx.learning.RewardWeights;
import io.nyx.learning.Rewards;
import io.nyx.learning.TraitConfig;
import io.nyx.routing.RoutingSettings;
import io.nyx.specialist.SpecialistConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The whole configuration, resolved once from defaults, the YAML file, environment and flags. */
public record NyxConfig(
    ServerConfig server,
    LlmConfig llm,
    DbConfig db,
    Path dataDir,
    EmbeddingConfig embedding,
    RoutingSettings routing,
    TraitConfig traits,
    ContextConfig context,
    SecurityConfig security,
    List<SpecialistConfig> specialists,
    RewardWeights rewards,
    AdapterSettings adapters,
    ExportSettings export) {

  /** With the default {@code adapters:} and {@code export:} settings. */
  public NyxConfig(
      ServerConfig server,
      LlmConfig llm,
      DbConfig db,
      Path dataDir,
      EmbeddingConfig embedding,
      RoutingSettings routing,
      TraitConfig traits,
      ContextConfig context,
      SecurityConfig security,
      List<SpecialistConfig> specialists,
      RewardWeights rewards) {
    this(
        server,
        llm,
        db,
        dataDir,
        embedding,
        routing,
        traits,
        context,
        security,
        specialists,
        rewards,
        AdapterSettings.DEFAULT,
        ExportSettings.DEFAULT);
  }

  public NyxConfig {
    specialists = List.copyOf(specialists);
    if (specialists.isEmpty()) {
      throw new ConfigException("specialists", "[]", "a non-empty list");
    }
    for (SpecialistConfig s : specialists) {
      if (s.initialWeight() < traits.min() || s.initialWeight() > traits.max()) {
        throw new ConfigException(
            "specialists[" + s.name() + "].initial_weight",
            s.initialWeight(),
            "within [traits.min, traits.max] = [" + traits.min() + ", " + traits.max() + "]");
      }
    }
  }

  /** Each specialist's reward function: the shared {@code rewards} with its own {@code reward}. */
  public Rewards rewardFunctions() {
    Map<String, Map<String, Double>> own = new LinkedHashMap<>();
    specialists.forEach(s -> own.put(s.name(), s.reward()));
    return new Rewards(rewards, own);
  }

  public SpecialistConfig specialist(String name) {
    return specialists.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no specialist " + name));
  }
}
