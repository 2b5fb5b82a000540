package io.nyx.context;

import io.nyx.memory.Embedder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Bulk ingest of memories, resumable: each batch first asks the store which texts it already holds
 * and embeds only the others, so re-running an interrupted import skips what is in at the cost of
 * one lookup per batch. Running replicas index the new rows through their notifications; a stopped
 * one picks them up from its snapshot at start. Not thread-safe (one import per instance).
 */
public final class MemoryImport {
  /** Counts so far: chunks seen of {@code total}, newly stored, skipped as already present. */
  public record Progress(int done, int total, int stored, int skipped) {}

  private final MemoryStore store;
  private final Embedder embedder;
  private final int batchSize;

  public MemoryImport(MemoryStore store, Embedder embedder, int batchSize) {
    this.store = store;
    this.embedder = embedder;
    this.batchSize = batchSize;
  }

  public Progress run(List<NewMemory> memories, Consumer<Progress> onBatch) {
    Progress p = new Progress(0, memories.size(), 0, 0);
    for (int from = 0; from < memories.size(); from += batchSize) {
      List<NewMemory> batch = memories.subList(from, Math.min(memories.size(), from + batchSize));
      int stored = store(batch);
      p =
          new Progress(
              p.done() + batch.size(),
              p.total(),
              p.stored() + stored,
              p.skipped() + batch.size() - stored);
      onBatch.accept(p);
    }
    return p;
  }

  private int store(List<NewMemory> batch) {
    Map<String, List<NewMemory>> byTenant = new LinkedHashMap<>();
    batch.forEach(m -> byTenant.computeIfAbsent(m.owner().tenant(), t -> new ArrayList<>()).add(m));
    int stored = 0;
    for (var e : byTenant.entrySet()) {
      stored += store(e.getKey(), e.getValue());
    }
    return stored;
  }

  /** Stores one tenant's share of a batch (texts are unique per tenant). */
  private int store(String tenant, List<NewMemory> batch) {
    Map<String, NewMemory> unique = new LinkedHashMap<>();
    batch.forEach(m -> unique.putIfAbsent(m.text(), m));
    Set<String> present = store.existing(unique.keySet(), tenant);
    List<NewMemory> fresh = new ArrayList<>();
    unique.values().stream().filter(m -> !present.contains(m.text())).forEach(fresh::add);
    if (fresh.isEmpty()) {
      return 0;
    }
    List<float[]> vectors = embedder.embedAll(fresh.stream().map(NewMemory::text).toList());
    for (int i = 0; i < fresh.size(); i++) {
      NewMemory m = fresh.get(i);
      store.add(m.text(), vectors.get(i), m.metadata(), m.source(), m.owner());
    }
    return fresh.size();
  }
}
