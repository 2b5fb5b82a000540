package io.nyx.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nyx.safety.RiskCategories;
import io.nyx.safety.RiskCategory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the risk screen's {@link RiskCategories} from YAML: the shipped {@code
 * io/nyx/safety/categories.yaml} or an operator's file ({@code context.safety_categories}).
 */
public final class RiskCategoriesYaml {
  static final String KEY = "context.safety_categories";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private RiskCategoriesYaml() {}

  /** The shipped categories, or the file at {@code path} when it is not blank. */
  public static RiskCategories load(String path) {
    if (path.isBlank()) {
      try (InputStream in = RiskCategories.class.getResourceAsStream("categories.yaml")) {
        return parse(java.util.Objects.requireNonNull(in, "categories.yaml missing"), "shipped");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      return parse(in, path);
    } catch (IOException e) {
      throw new ConfigException(KEY, path, "a readable YAML file (" + e.getMessage() + ")");
    }
  }

  static RiskCategories parse(InputStream in, String source) throws IOException {
    JsonNode root = YAML.readTree(in);
    List<RiskCategory> list = new ArrayList<>();
    try {
      for (JsonNode c : root.path("categories")) {
        list.add(category(c));
      }
    } catch (IllegalArgumentException e) { // includes PatternSyntaxException
      throw new ConfigException(KEY, source, "valid categories: " + e.getMessage());
    }
    if (list.isEmpty()) {
      throw new ConfigException(KEY, source, "a YAML file with at least one category");
    }
    return new RiskCategories(list, strings(root.path("benign")));
  }

  private static RiskCategory category(JsonNode c) {
    List<Pattern> keywords = strings(c.path("keywords")).stream().map(Pattern::compile).toList();
    return new RiskCategory(
        c.path("name").asText(""),
        c.path("description").asText(""),
        strings(c.path("seeds")),
        keywords);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
