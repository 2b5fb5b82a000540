package io.nyx.adapter;

import org.jspecify.annotations.Nullable;

/** An operator's verb on one adapter version (the API's and the CLI's, the same set). */
public sealed interface AdapterCommand {
  /** Start (or re-share) a canary; {@code share} null for {@code adapters.canary_share}. */
  record Canary(@Nullable Double share) implements AdapterCommand {}

  /** Make it the active version now, canary test or not. */
  record Promote() implements AdapterCommand {}

  /** A canary or candidate fails; an active version is taken out (its standby takes over). */
  record Rollback() implements AdapterCommand {}

  /** Out of vLLM and out of use (not the active version). */
  record Retire() implements AdapterCommand {}

  /** The verb as the API path and the CLI spell it. */
  default String verb() {
    return switch (this) {
      case Canary c -> "canary";
      case Promote p -> "promote";
      case Rollback r -> "rollback";
      case Retire r -> "retire";
    };
  }
}
