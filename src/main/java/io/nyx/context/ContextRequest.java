package io.nyx.context;

import java.time.Instant;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;

/** What a context builder knows about the request. */
public record ContextRequest(
    String query,
    float @Nullable [] queryEmbedding,
    @Nullable String sessionId,
    Instant now,
    ZoneId zone) {}
