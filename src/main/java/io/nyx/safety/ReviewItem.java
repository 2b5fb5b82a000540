package io.nyx.safety;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One exchange waiting for (or given) a human safety review.
 *
 * @param stage "input" when the query was flagged, "output" when the answer was
 * @param assessment the screen's {@link RiskAssessment#toMap()}
 * @param tenant whose exchange it is
 */
public record ReviewItem(
    long id,
    UUID queryId,
    String stage,
    String category,
    double risk,
    Map<String, Object> assessment,
    String status,
    Instant createdAt,
    String tenant) {}
