package io.nyx.learning;

import java.time.Instant;

/** A specialist's trait weight as stored in phoebe; {@code weight} always lies in [min, max]. */
public record TraitWeight(String name, double weight, double min, double max, Instant updatedAt) {}
