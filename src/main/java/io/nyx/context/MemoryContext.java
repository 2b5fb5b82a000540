package io.nyx.context;

import java.util.List;

/**
 * Mnemosyne's context: the memories best recalled for the query ({@link MemoryBank}), each labelled
 * with its id so the answer can cite it and the stored row records it.
 */
public final class MemoryContext implements ContextBuilder {
  private final MemoryBank bank;
  private final int topK;

  public MemoryContext(MemoryBank bank, int topK) {
    this.bank = bank;
    this.topK = topK;
  }

  @Override
  public List<ContextItem> build(ContextRequest request) {
    return bank.recall(request.query(), request.queryEmbedding(), topK).stream()
        .<ContextItem>map(
            r -> new ContextItem.MemoryItem(r.memory().id(), r.memory().text(), r.score()))
        .toList();
  }
}
