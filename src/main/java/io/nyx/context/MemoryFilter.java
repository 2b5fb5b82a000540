package io.nyx.context;

import org.jspecify.annotations.Nullable;

/**
 * Which memories a bulk delete removes: those of {@code tenant} (every tenant when null: an
 * administrator) matching every given field. Session or source is set, so a filter can never mean
 * "everything" by accident.
 */
public record MemoryFilter(
    @Nullable String tenant, @Nullable String sessionId, @Nullable String source) {
  public MemoryFilter {
    if (sessionId == null && source == null) {
      throw new IllegalArgumentException("a memory filter needs session_id or source");
    }
  }
}
