package io.nyx.context;

import java.util.List;

/** Aletheia: the facts whose text best matches the query (PostgreSQL full-text search). */
public final class FactsContext implements ContextBuilder {
  private final FactStore facts;
  private final int topK;

  public FactsContext(FactStore facts, int topK) {
    this.facts = facts;
    this.topK = topK;
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
}
