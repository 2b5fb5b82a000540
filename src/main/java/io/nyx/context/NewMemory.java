package io.nyx.context;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A memory to store, before it has an id and an embedding. */
public record NewMemory(
    String text, Map<String, Object> metadata, String source, @Nullable String sessionId) {
  public NewMemory {
    metadata = Map.copyOf(metadata);
  }
}
