package io.nyx.context;

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
    @Nullable String sessionId,
    Instant createdAt) {}
