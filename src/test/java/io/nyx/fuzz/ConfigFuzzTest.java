package io.nyx.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.config.ConfigException;
import io.nyx.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz of the config loader: YAML documents with known keys set to random values, unknown
 * keys, wrong nesting and broken syntax. The property: every bad document is refused with a
 * ConfigException (which names the key), never another exception.
 */
class ConfigFuzzTest {
  @TempDir Path dir;

  static final Map<String, List<String>> KEYS =
      Map.of(
          "server", List.of("host", "port", "max_body_bytes", "max_query_chars", "max_concurrent"),
          "llm",
              List.of(
                  "url", "api_key", "base_model", "read_timeout_ms", "max_retries", "retry_budget"),
          "routing", List.of("threshold", "mode", "top_k", "master_margin", "pinned", "disabled"),
          "traits", List.of("min", "max", "prior_strength", "half_life_s", "explore"),
          "context", List.of("time_zone", "memory_top_k", "max_prompt_tokens", "risk_threshold"),
          "embedding", List.of("provider", "url", "model"),
          "db", List.of("url", "user"));

  @Test
  void everyBadDocumentIsAConfigException() throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    List<String> other = new ArrayList<>();
    int accepted = 0;
    for (int i = 0; i < 400; i++) {
      String yaml = i % 20 == 19 ? broken(rnd) : document(rnd);
      Path file = dir.resolve("c" + i + ".yaml");
      Files.writeString(file, yaml);
      try {
        ConfigLoader.load(Map.of("config", file.toString()), Map.of("HOME", "/tmp"));
        accepted++;
      } catch (ConfigException e) {
        assertThat(e.getMessage()).isNotBlank();
      } catch (RuntimeException e) {
        other.add(e + " <- " + yaml.replace('\n', '|'));
      }
    }
    assertThat(other).isEmpty();
    assertThat(accepted).as("some random documents are valid").isPositive();
  }

  private static String document(SplittableRandom rnd) {
    StringBuilder sb = new StringBuilder();
    List<String> sections = new ArrayList<>(KEYS.keySet());
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      String section = sections.get(rnd.nextInt(sections.size()));
      sb.append(rnd.nextInt(15) == 0 ? "unknown_section" : section).append(":\n");
      List<String> keys = KEYS.get(section);
      String key = rnd.nextInt(10) == 0 ? "typo_key" : keys.get(rnd.nextInt(keys.size()));
      sb.append("  ").append(key).append(": ").append(value(rnd)).append('\n');
    }
    return sb.toString();
  }

  private static String value(SplittableRandom rnd) {
    return switch (rnd.nextInt(12)) {
      case 0 -> "null";
      case 1 -> "true";
      case 2 -> Integer.toString(rnd.nextInt(-5, 100_000));
      case 3 -> Double.toString(rnd.nextDouble(-1, 2));
      case 4 -> "\"text\"";
      case 5 -> "[a, b]";
      case 6 -> "{x: 1}";
      case 7 -> ".nan";
      case 8 -> "99999999999999999999";
      case 9 -> "http://localhost:1/v1";
      case 10 -> "auto";
      default -> "hybrid";
    };
  }

  private static String broken(SplittableRandom rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> "server: [unclosed\n";
      case 1 -> "- just\n- a list\n";
      case 2 -> "specialists:\n  - name: a\n    exemplars: 5\n";
      default -> ":\n  : :\n";
    };
  }
}
