package io.nyx.safety;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One kind of risk the screen looks for.
 *
 * @param seeds example phrases; a text's similarity to them is the category's main score
 * @param keywords regular expressions matched on the lower-cased text; a hit adds a bonus
 */
public record RiskCategory(
    String name, String description, List<String> seeds, List<Pattern> keywords) {
  public RiskCategory {
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "category name must match [a-z][a-z0-9_]* but was " + name);
    }
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("category " + name + " needs at least one seed phrase");
    }
    seeds = List.copyOf(seeds);
    keywords = List.copyOf(keywords);
  }
}
