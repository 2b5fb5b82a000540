package io.nyx.adapter;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One recorded change of a version's state. {@code from} is null for the registration; {@code
 * actor} is {@code nyx} for automatic decisions, else the operator's API key name ({@code local}
 * without keys); {@code figures} are the numbers the decision was taken on (the canary test's, the
 * self-repair window's).
 */
public record Transition(
    String specialist,
    int version,
    @Nullable AdapterState from,
    AdapterState to,
    String reason,
    String actor,
    Map<String, Object> figures,
    Instant at) {

  public Transition {
    figures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(figures));
  }
}
