package io.nyx.context;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Subjective memory, the source of truth for Mnemosyne's recall; the vector index is derived from
 * it. A text is stored at most once. Thread-safe.
 */
public interface MemoryStore {

  /** Inserts and returns the stored memory; when the same text is already stored, returns that. */
  Memory add(
      String text,
      float[] embedding,
      Map<String, Object> metadata,
      String source,
      @Nullable String sessionId);

  /** The subset of {@code texts} already stored (to skip embedding them again). */
  Set<String> existing(Collection<String> texts);

  Optional<Memory> find(long id);

  /** The memories with these ids that still exist, in no particular order. */
  List<Memory> findAll(Collection<Long> ids);

  /** True when it existed. */
  boolean delete(long id);

  /** Deletes the matching memories and returns their ids. */
  List<Long> delete(MemoryFilter filter);

  /** Streams the memories with {@code id > afterId} in id order, without holding them all. */
  void forEachAfter(long afterId, Consumer<Memory> action);

  /**
   * Streams the id and embedding of each memory with {@code id > afterId}, in id order: all an
   * index rebuild needs, read without text or metadata.
   */
  void forEachEmbeddingAfter(long afterId, EmbeddingConsumer action);

  /** Every id {@code <= maxId}, ascending (to find what was deleted since a snapshot). */
  long[] idsUpTo(long maxId);

  /** How many memories have {@code id <= maxId} (cheaper than {@link #idsUpTo}). */
  long countUpTo(long maxId);

  /** Receives one stored embedding. */
  @FunctionalInterface
  interface EmbeddingConsumer {
    void accept(long id, float[] embedding);
  }

  /** Every memory, oldest first. */
  List<Memory> all();
}
