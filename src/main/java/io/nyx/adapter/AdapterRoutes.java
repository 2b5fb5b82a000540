package io.nyx.adapter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * This replica's routing table: per specialist, its active version and its canary with the canary's
 * share, as last read from the registry ({@link #update}). A canary answers a request when a draw
 * from {@code uniform} falls below its share, independently per request, so each side's answers are
 * a random sample of the same traffic — what the canary test compares. A specialist the registry
 * has no version of keeps its configured adapter. Thread-safe: the table is an immutable map
 * swapped whole.
 */
public final class AdapterRoutes implements AdapterRouting {
  /** Who answers for one specialist; either may be absent. */
  record Lineup(@Nullable AdapterVersion active, @Nullable AdapterVersion canary) {}

  private final DoubleSupplier uniform;
  private volatile Map<String, Lineup> lineups = Map.of();

  /**
   * @param uniform draws in [0, 1), safe to call from any thread (seeded in tests)
   */
  public AdapterRoutes(DoubleSupplier uniform) {
    this.uniform = uniform;
  }

  /** Replaces the table with the one {@code versions} (the whole registry) describe. */
  public void update(List<AdapterVersion> versions) {
    Map<String, Lineup> next = new LinkedHashMap<>();
    for (AdapterVersion v : versions) {
      Lineup l = next.getOrDefault(v.specialist(), new Lineup(null, null));
      next.put(
          v.specialist(),
          switch (v.state()) {
            case ACTIVE -> new Lineup(v, l.canary());
            case CANARY -> new Lineup(l.active(), v);
            case CANDIDATE, RETIRED, FAILED -> l;
          });
    }
    lineups = Map.copyOf(next);
  }

  @Override
  public Choice choose(String specialist, String configured) {
    Lineup l = lineups.get(specialist);
    if (l == null) {
      return new Choice.Adapter(configured, null);
    }
    AdapterVersion canary = l.canary();
    if (canary != null && uniform.getAsDouble() < canary.share()) {
      return new Choice.Adapter(canary.name(), canary.version());
    }
    AdapterVersion active = l.active();
    if (active != null) {
      return new Choice.Adapter(active.name(), active.version());
    }
    return new Choice.BaseModel(
        "no version of " + specialist + "'s adapter is active; the base model answered");
  }

  /** The served names of a specialist's active version and canary: what vLLM must list. */
  public List<String> serving(String specialist, String configured) {
    Lineup l = lineups.get(specialist);
    if (l == null) {
      return List.of(configured);
    }
    List<String> names = new ArrayList<>();
    for (AdapterVersion v : new AdapterVersion[] {l.active(), l.canary()}) {
      if (v != null) {
        names.add(v.name());
      }
    }
    return names;
  }
}
