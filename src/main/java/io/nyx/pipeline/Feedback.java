package io.nyx.pipeline;

import java.time.Instant;
import java.util.UUID;

/** Human feedback on one answered query; {@code rating} in [-1,1]. */
public record Feedback(UUID id, UUID queryId, double rating, String comment, Instant at) {}
