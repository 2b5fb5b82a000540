package io.nyx.context;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Subjective memory, the source of truth for Mnemosyne's recall. Thread-safe. */
public interface MemoryStore {

  /** Inserts and returns the stored memory (with its id). */
  Memory add(
      String text,
      float[] embedding,
      Map<String, Object> metadata,
      String source,
      @Nullable String sessionId);

  /** Every memory, oldest first: the in-process index is rebuilt from this. */
  List<Memory> all();
}
