package io.nyx.learning;

import java.time.Instant;

/**
 * One row of {@code nyx_trait_weight_history}. {@code delta} is what was asked; {@code newWeight -
 * oldWeight} may be smaller when a bound clipped it. {@code source} is e.g. "reward", "feedback",
 * "operator".
 */
public record TraitChange(
    String name,
    double oldWeight,
    double newWeight,
    double delta,
    String source,
    String reason,
    Instant at) {}
