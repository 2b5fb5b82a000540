package io.nyx.context;

import java.util.List;
import java.util.Map;

/**
 * Aletheia: the facts whose text best matches the query (PostgreSQL full-text search), each
 * labelled {@code [fact id]} so the answer can cite it; after generation, {@link #check} measures
 * how much of the answer those facts support ({@link GroundingCheck}).
 */
public final class FactsContext implements ContextBuilder, AnswerCheck {
  private final FactStore facts;
  private final int topK;
  private final GroundingCheck grounding;

  public FactsContext(FactStore facts, int topK, GroundingCheck grounding) {
    this.facts = facts;
    this.topK = topK;
    this.grounding = grounding;
  }

  @Override
  public List<ContextItem> build(ContextRequest request) {
    if (topK == 0) {
      return List.of();
    }
    return facts.search(request.query(), topK).stream()
        .<ContextItem>map(f -> new ContextItem.FactItem(f.id(), f.statement(), f.source()))
        .toList();
  }

  /** {@code {"grounding": {...}}} ({@link Grounding#toMap}); scored even when no fact was found. */
  @Override
  public Map<String, Object> check(String answer, List<ContextItem> context) {
    List<ContextItem.FactItem> found =
        context.stream()
            .filter(ContextItem.FactItem.class::isInstance)
            .map(ContextItem.FactItem.class::cast)
            .toList();
    return Map.of("grounding", grounding.check(answer, found).toMap());
  }
}
