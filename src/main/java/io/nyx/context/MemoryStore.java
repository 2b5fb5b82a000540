package io.nyx.context;

import io.nyx.memory.Owner;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Subjective memory, the source of truth for Mnemosyne's recall; the vector index is derived from
 * it. Every memory has an {@link Owner}; a text is stored at most once per tenant. Reads by id
 * return any owner's memories: callers filter by their {@link io.nyx.memory.Audience}. Thread-safe.
 */
public interface MemoryStore {

  /**
   * Inserts and returns the stored memory; when the owner's tenant already stores the same text,
   * returns that.
   */
  Memory add(
      String text, float[] embedding, Map<String, Object> metadata, String source, Owner owner);

  /** The subset of {@code texts} {@code tenant} already stores (to skip embedding them again). */
  Set<String> existing(Collection<String> texts, String tenant);

  Optional<Memory> find(long id);

  /** The memories with these ids that still exist, in no particular order. */
  List<Memory> findAll(Collection<Long> ids);

  /** True when it existed. */
  boolean delete(long id);

  /** Deletes the matching memories (of the filter's tenant, or any) and returns their ids. */
  List<Long> delete(MemoryFilter filter);

  /** Streams the memories with {@code id > afterId} in id order, without holding them all. */
  void forEachAfter(long afterId, Consumer<Memory> action);

  /**
   * Streams the id, embedding and owner of each memory with {@code id > afterId}, in id order: all
   * an index rebuild needs, read without text or metadata.
   */
  void forEachEmbeddingAfter(long afterId, EmbeddingConsumer action);

  /** Every id {@code <= maxId}, ascending (to find what was deleted since a snapshot). */
  long[] idsUpTo(long maxId);

  /** How many memories have {@code id <= maxId} (cheaper than {@link #idsUpTo}). */
  long countUpTo(long maxId);

  /** Receives one stored embedding. */
  @FunctionalInterface
  interface EmbeddingConsumer {
    void accept(long id, float[] embedding, Owner owner);
  }

  /** Every memory, oldest first. */
  List<Memory> all();
}
