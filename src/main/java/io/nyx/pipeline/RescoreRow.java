package io.nyx.pipeline;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What {@code nyx rewards recompute} needs of one stored row: the reward inputs (columns and route
 * JSON) and the human ratings given on it, oldest first.
 *
 * @param reward the stored reward (automatic, or blended with feedback)
 * @param confidence the stored confidence (after Aletheia's grounding adjustment)
 * @param specialist whose reward function scores it; null when the base model answered
 */
public record RescoreRow(
    UUID id,
    Instant createdAt,
    String status,
    @Nullable String finishReason,
    double confidence,
    double reward,
    long latencyMs,
    Map<String, Object> route,
    List<Double> ratings,
    @Nullable String specialist) {
  public RescoreRow {
    route = Collections.unmodifiableMap(new LinkedHashMap<>(route)); // JSON may hold nulls
    ratings = List.copyOf(ratings);
  }
}
