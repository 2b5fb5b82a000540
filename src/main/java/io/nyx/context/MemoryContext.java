package io.nyx.context;

import io.nyx.memory.Audience;
import java.util.List;

/**
 * Mnemosyne's context: the memories best recalled for the query ({@link MemoryBank}) among those
 * the request's tenant may see from its session, each labelled with its id so the answer can cite
 * it and the stored row records it.
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
    Audience audience = Audience.Tenant.recall(request.tenant(), request.sessionId());
    return bank.recall(request.query(), request.queryEmbedding(), topK, audience).stream()
        .<ContextItem>map(
            r -> new ContextItem.MemoryItem(r.memory().id(), r.memory().text(), r.score()))
        .toList();
  }
}
