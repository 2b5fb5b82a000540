package io.nyx.pipeline;

import io.nyx.resilience.Backpressure;
import io.nyx.resilience.Breakers;
import io.nyx.resilience.RetryPolicy;
import io.nyx.resilience.Sleeper;

/**
 * How model calls survive faults: breakers per adapter, retry policy, how to wait, and load
 * shedding on the server's queue.
 */
public record Resilience(
    Breakers breakers, RetryPolicy retries, Sleeper sleeper, Backpressure backpressure) {}
