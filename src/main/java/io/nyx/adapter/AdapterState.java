package io.nyx.adapter;

import java.util.Locale;
import java.util.Optional;

/**
 * Where an adapter version is in its life (docs/adapters.md): registered and checked ({@code
 * candidate}), answering a share of its specialist's requests under test ({@code canary}),
 * answering the rest ({@code active}), superseded ({@code retired}; the newest retired version
 * still loaded is the standby self-repair falls back to), or taken out for cause ({@code failed}).
 * A closed set with no data of its own, so an enum; {@link #mayBecome} is the one table of allowed
 * transitions.
 */
public enum AdapterState {
  CANDIDATE,
  CANARY,
  ACTIVE,
  RETIRED,
  FAILED;

  /** The spelling in the database, the API and the CLI. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<AdapterState> parse(String label) {
    for (AdapterState s : values()) {
      if (s.label().equals(label)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a version in this state may move to {@code next}. A canary may "become" a canary again
   * (its share changes); a retired version may come back as the active one (a standby put back by
   * self-repair, or an older version an operator promotes); a failed one is only ever retired.
   */
  public boolean mayBecome(AdapterState next) {
    return switch (this) {
      case CANDIDATE -> next != CANDIDATE;
      case CANARY -> next != CANDIDATE;
      case ACTIVE -> next == RETIRED || next == FAILED;
      case RETIRED -> next == ACTIVE;
      case FAILED -> next == RETIRED;
    };
  }

  /** States whose version answers requests, so vLLM must serve it. */
  public boolean serves() {
    return this == CANARY || this == ACTIVE;
  }
}
