package io.nyx.adapter;

import org.jspecify.annotations.Nullable;

/**
 * Which model answers for a specialist, asked once per request by the pipeline. Implementations are
 * thread-safe and do no I/O.
 */
public interface AdapterRouting {

  /**
   * @param configured the adapter the specialist's configuration names, for when the registry says
   *     nothing about it
   */
  Choice choose(String specialist, String configured);

  /** The answerer of one request. */
  sealed interface Choice {
    /** The adapter served as {@code model}; {@code version} null when the registry is silent. */
    record Adapter(String model, @Nullable Integer version) implements Choice {}

    /**
     * No version may answer (the active one was taken out and no standby is loaded): the base model
     * answers with the specialist's own prompt; {@code why} is recorded as the row's fallback.
     */
    record BaseModel(String why) implements Choice {}
  }

  /** Always the configured adapter, version unknown: Nyx without a registry. */
  AdapterRouting CONFIGURED = (specialist, configured) -> new Choice.Adapter(configured, null);
}
