package io.nyx.pipeline;

import io.nyx.resilience.Breakers;
import io.nyx.resilience.RetryPolicy;
import io.nyx.resilience.Sleeper;

/** How model calls survive faults: breakers per adapter, retry policy, and how to wait. */
public record Resilience(Breakers breakers, RetryPolicy retries, Sleeper sleeper) {}
