package io.nyx.context;

import io.nyx.memory.Owner;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One row of {@code nyx_subjective_memory}; {@code embedding} is unit length. */
public record Memory(
    long id,
    String text,
    float[] embedding,
    Map<String, Object> metadata,
    String source,
    Owner owner,
    Instant createdAt) {

  /** The session the memory is narrowed to, or null for a tenant-wide one. */
  public @Nullable String sessionId() {
    return owner.session();
  }
}
