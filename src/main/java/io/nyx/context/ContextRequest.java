package io.nyx.context;

import java.time.Instant;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;

/**
 * What a context builder knows about the request. {@code tenant} owns it: builders that read stored
 * records (memories) show only what that tenant, in {@code sessionId}, may see.
 */
public record ContextRequest(
    String query,
    float @Nullable [] queryEmbedding,
    @Nullable String sessionId,
    Instant now,
    ZoneId zone,
    String tenant) {}
