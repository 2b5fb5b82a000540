package io.nyx.specialist;

import io.nyx.settings.SettingException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One specialist: configuration, not code (docs/operations.md, "Configuration"). {@code adapter} is
 * the vLLM model id sent as {@code model}; {@code backendUrl}, when set, overrides the shared vLLM
 * URL (the seed's "specialist slots"). {@code reward}: the reward weights it sets differently from
 * the shared {@code rewards} (keys of {@link io.nyx.learning.RewardWeights#RANGES}).
 */
public record SpecialistConfig(
    String name,
    String description,
    String adapter,
    ContextStrategy context,
    String promptTemplate,
    List<String> exemplars,
    Decoding decoding,
    double initialWeight,
    @Nullable String backendUrl,
    Map<String, Double> reward) {

  /** Names appear in URLs ({@code nyx/<name>}) and metric labels: keep them simple. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** Without reward weights of its own. */
  public SpecialistConfig(
      String name,
      String description,
      String adapter,
      ContextStrategy context,
      String promptTemplate,
      List<String> exemplars,
      Decoding decoding,
      double initialWeight,
      @Nullable String backendUrl) {
    this(
        name,
        description,
        adapter,
        context,
        promptTemplate,
        exemplars,
        decoding,
        initialWeight,
        backendUrl,
        Map.of());
  }

  public SpecialistConfig {
    reward = Map.copyOf(reward == null ? Map.of() : reward);
    if (name == null || !NAME.matcher(name).matches()) {
      throw new SettingException("name", name, "matching " + NAME.pattern());
    }
    if (adapter == null || adapter.isBlank()) {
      throw new SettingException("adapter", adapter, "a non-empty vLLM model id");
    }
    description = description == null ? "" : description;
    promptTemplate = promptTemplate == null ? "" : promptTemplate;
    exemplars = List.copyOf(exemplars == null ? List.of() : exemplars);
    if (exemplars.isEmpty() && description.isBlank()) {
      throw new SettingException("exemplars", "[]", "non-empty when there is no description");
    }
    if (context == null) {
      context = ContextStrategy.NONE;
    }
    if (decoding == null) {
      decoding = Decoding.DEFAULT;
    }
    if (!(initialWeight >= 0 && initialWeight <= 1)) {
      throw new SettingException("initial_weight", initialWeight, "in [0,1]");
    }
  }
}
