package io.nyx.export;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** One export's counts as it writes, turned into its {@link Report} at the end. Not thread-safe. */
final class Tally {
  private record AdapterKey(@Nullable String adapter, @Nullable Integer version) {}

  private static final Comparator<AdapterKey> BY_ADAPTER =
      Comparator.comparing(
              AdapterKey::adapter, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
          .thenComparing(
              AdapterKey::version, Comparator.nullsFirst(Comparator.<Integer>naturalOrder()));

  private final ExportRequest request;
  private final Map<Split, Long> lines = new EnumMap<>(Split.class);
  private final Map<String, Map<Split, Long>> bySpecialist = new TreeMap<>();
  private final Map<String, Long> byOrigin = new LinkedHashMap<>();
  private final long[] histogram = new long[Report.BINS];
  private long unrated;
  private final Map<AdapterKey, Long> adapters = new TreeMap<>(BY_ADAPTER);
  private final long[] scrubbed;
  private long exactDuplicates;
  private long nearDuplicates;

  Tally(ExportRequest request, int rules) {
    this.request = request;
    this.scrubbed = new long[rules];
    parts().forEach(s -> lines.put(s, 0L));
    byOrigin.put("answer", 0L);
    byOrigin.put("correction", 0L);
  }

  void drop(String reason) {
    switch (reason) {
      case "exact_duplicate" -> exactDuplicates++;
      case "near_duplicate" -> nearDuplicates++;
      default -> throw new IllegalArgumentException("no such reason: " + reason);
    }
  }

  void written(Example e, Split split, long[] scrubCounts) {
    lines.merge(split, 1L, Long::sum);
    String specialist = e.source().specialist();
    Map<Split, Long> mine =
        bySpecialist.computeIfAbsent(
            specialist == null ? Report.NO_SPECIALIST : specialist, k -> zeros());
    mine.merge(split, 1L, Long::sum);
    byOrigin.merge(e.corrected() ? "correction" : "answer", 1L, Long::sum);
    Double reward = e.reward();
    if (reward == null) {
      unrated++;
    } else {
      histogram[bin(reward)]++;
    }
    for (Exchange a : e.answers()) {
      adapters.merge(new AdapterKey(a.adapter(), a.adapterVersion()), 1L, Long::sum);
    }
    for (int i = 0; i < scrubbed.length; i++) {
      scrubbed[i] += scrubCounts[i];
    }
  }

  /**
   * Equal bins over [-1, 1]; 1 itself falls in the last (a small slack for sums like 0.6 + 0.2).
   */
  static int bin(double reward) {
    int b = (int) Math.floor((reward + 1) * Report.BINS / 2 + 1e-9);
    return Math.clamp(b, 0, Report.BINS - 1);
  }

  Report report(
      Census census,
      long pairs,
      @Nullable String baseModel,
      List<ScrubRule> rules,
      Report.Dedupe dedupe) {
    List<Report.SourceAdapter> sources = new ArrayList<>();
    adapters.forEach((k, n) -> sources.add(new Report.SourceAdapter(k.adapter(), k.version(), n)));
    List<Long> bins = new ArrayList<>();
    for (long n : histogram) {
      bins.add(n);
    }
    return new Report(
        request,
        baseModel,
        census,
        new EnumMap<>(lines),
        bySpecialist,
        byOrigin,
        bins,
        unrated,
        sources,
        rules,
        new Scrubber(rules).named(scrubbed),
        dropped(census, pairs),
        dedupe);
  }

  /** Left out, by reason, in the order the export decides them. */
  private Map<String, Long> dropped(Census c, long pairs) {
    Map<String, Long> d = new LinkedHashMap<>();
    d.put("failed", c.failed());
    d.put("empty", c.empty());
    d.put("fallback", c.fallback());
    switch (request.kind()) {
      case SFT -> {
        d.put("corrected", c.corrected());
        d.put("below_min_reward", c.usable() - c.good());
      }
      case PREFERENCES -> d.put("not_paired", Math.max(0, c.usable() - 2 * pairs));
      case KTO -> d.put("between_thresholds", c.usable() - c.good() - c.bad());
    }
    d.put("exact_duplicate", exactDuplicates);
    d.put("near_duplicate", nearDuplicates);
    return d;
  }

  private List<Split> parts() {
    return request.valShare() > 0 ? List.of(Split.TRAIN, Split.VALIDATION) : List.of(Split.TRAIN);
  }

  private Map<Split, Long> zeros() {
    Map<Split, Long> m = new EnumMap<>(Split.class);
    parts().forEach(s -> m.put(s, 0L));
    return m;
  }
}
