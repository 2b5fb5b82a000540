package io.nyx.context;

import io.nyx.memory.Owner;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A memory to store, before it has an id and an embedding. */
public record NewMemory(String text, Map<String, Object> metadata, String source, Owner owner) {
  public NewMemory {
    metadata = Map.copyOf(metadata);
  }

  /** The session the memory is narrowed to, or null for a tenant-wide one. */
  public @Nullable String sessionId() {
    return owner.session();
  }
}
