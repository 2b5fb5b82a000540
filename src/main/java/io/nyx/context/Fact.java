package io.nyx.context;

import java.time.Instant;

/** One row of {@code nyx_facts}. */
public record Fact(long id, String statement, String source, double confidence, Instant at) {}
