package io.nyx.history;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A recorded exchange as a list shows it: who asked, the question, who answered and how well, and
 * the answer (null when none came).
 *
 * @param specialist null when the base model answered
 * @param adapter the model id called (e.g. {@code kairos-v2}), null when no call was made
 * @param adapterVersion the registered version of that adapter, null when none answered
 */
public record QuerySummary(
    UUID id,
    Instant createdAt,
    String tenant,
    @Nullable String keyName,
    @Nullable String sessionId,
    String query,
    @Nullable String specialist,
    @Nullable String adapter,
    @Nullable Integer adapterVersion,
    String routeMethod,
    double routeConfidence,
    @Nullable String response,
    @Nullable String finishReason,
    double confidence,
    double reward,
    String status,
    long latencyMs) {}
