package io.nyx.config;

import io.nyx.routing.RoutingSettings;
import java.nio.file.Path;
import java.util.List;

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
    List<SpecialistConfig> specialists) {

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

  public SpecialistConfig specialist(String name) {
    return specialists.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no specialist " + name));
  }
}
