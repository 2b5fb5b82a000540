package io.nyx.safety;

import java.util.List;

/**
 * The screen's categories and its benign look-alikes: the shipped {@code
 * io/nyx/safety/categories.yaml} or an operator's file ({@code context.safety_categories}), read by
 * {@code config.RiskCategoriesYaml}.
 */
public record RiskCategories(List<RiskCategory> categories, List<String> benign) {
  public RiskCategories {
    categories = List.copyOf(categories);
    benign = List.copyOf(benign);
  }
}
