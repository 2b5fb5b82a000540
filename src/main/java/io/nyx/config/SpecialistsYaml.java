package io.nyx.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.Decoding;
import io.nyx.specialist.SpecialistConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads the {@code specialists:} list of a YAML config; the shipped defaults live beside it. */
public final class SpecialistsYaml {
  static final String DEFAULTS = "/io/nyx/config/specialists.yaml";
  static final List<String> KEYS =
      List.of(
          "name",
          "description",
          "adapter",
          "context",
          "prompt_template",
          "exemplars",
          "decoding",
          "initial_weight",
          "backend_url",
          "reward");

  static final List<String> DECODING_KEYS = List.of("temperature", "top_p", "max_tokens");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private SpecialistsYaml() {}

  /** The five specialists of the seed, as shipped. */
  public static List<SpecialistConfig> defaults() {
    try (InputStream in = SpecialistsYaml.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULTS);
      }
      return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a whole YAML document and returns its {@code specialists} list. */
  public static List<SpecialistConfig> parse(String yaml) {
    return fromTree(new YamlTree("", readTree(yaml)));
  }

  static Map<String, Object> readTree(String yaml) {
    try {
      Object root = YAML.readValue(yaml, Object.class);
      return root == null ? Map.of() : YamlTree.asMap("(document)", root);
    } catch (JsonProcessingException e) {
      throw new ConfigException("(document)", "is not valid YAML: " + e.getOriginalMessage());
    }
  }

  static List<SpecialistConfig> fromTree(YamlTree root) {
    List<SpecialistConfig> list =
        root.children("specialists").stream().map(SpecialistsYaml::one).toList();
    Set<String> names = new HashSet<>();
    for (SpecialistConfig s : list) {
      if (!names.add(s.name())) {
        throw new ConfigException("specialists[].name", s.name(), "unique");
      }
    }
    return list;
  }

  private static SpecialistConfig one(YamlTree t) {
    t.rejectUnknown(KEYS);
    String name = t.string("name");
    String at = at(name);
    YamlTree d = t.child("decoding");
    d.rejectUnknown(DECODING_KEYS);
    Decoding decoding =
        ConfigException.under(
            at,
            () ->
                new Decoding(
                    d.number("temperature", Decoding.DEFAULT.temperature()),
                    d.number("top_p", Decoding.DEFAULT.topP()),
                    d.integer("max_tokens", Decoding.DEFAULT.maxTokens())));
    return ConfigException.under(at, () -> specialist(t, name, decoding));
  }

  // A missing name goes to the constructor, which rejects it as it does a malformed one: a record
  // component cannot be nullable in the canonical constructor alone.
  @SuppressWarnings("NullAway")
  private static SpecialistConfig specialist(YamlTree t, @Nullable String name, Decoding decoding) {
    return new SpecialistConfig(
        name,
        t.string("description", ""),
        t.string("adapter", name == null ? "" : name),
        ContextStrategy.parse(t.string("context", "none")),
        t.string("prompt_template", ""),
        t.strings("exemplars"),
        decoding,
        t.number("initial_weight", 0.5),
        t.string("backend_url"),
        RewardConfigs.overrides(t.child("reward")));
  }

  /** A specialist's key path: by its name once the name is valid, else {@code specialists[]}. */
  private static String at(@Nullable String name) {
    boolean named = name != null && SpecialistConfig.NAME.matcher(name).matches();
    return "specialists[" + (named ? name : "") + "].";
  }
}
