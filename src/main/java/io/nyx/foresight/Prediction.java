package io.nyx.foresight;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A stored prediction: the answer that made it and its scenarios.
 *
 * @param outcome null until resolved, then "happened" or "did_not_happen"
 * @param tenant whose exchange made it
 */
public record Prediction(
    long id,
    UUID queryId,
    @Nullable String specialist,
    String text,
    List<Scenario> scenarios,
    Instant createdAt,
    @Nullable String outcome,
    String tenant) {
  public Prediction {
    scenarios = List.copyOf(scenarios);
  }
}
