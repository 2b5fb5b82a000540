package io.nyx.learning;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The trait stores in memory, computing {@link TraitPosterior}'s rules directly: the reference the
 * SQL functions are tested against, and the store of {@code nyx simulate}. One JVM only;
 * thread-safe (every method is synchronized, so each is atomic as a whole). Keeps no answers, so no
 * calibration outcomes.
 */
public final class MemoryTraitStore implements TraitWeightStore, ClusterStore, SegmentStore {
  private final InstantSource clock;
  private final Map<String, TraitPosterior> traits = new TreeMap<>();
  private final Map<String, List<TraitChange>> history = new LinkedHashMap<>();
  private final Map<String, Map<Integer, TraitPosterior>> clusters = new TreeMap<>();
  private final Map<Integer, TraitPosterior> base = new TreeMap<>();
  private final Map<java.util.UUID, Long> watermarks = new java.util.HashMap<>();
  private LearningSettings settings = LearningSettings.DEFAULT;

  /**
   * @param clock stamps operator changes and history rows
   */
  public MemoryTraitStore(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void ensure(String name, double initialWeight, double min, double max) {
    traits.putIfAbsent(name, TraitPosterior.initial(name, initialWeight, min, max));
  }

  @Override
  public synchronized void configure(LearningSettings s) {
    settings = s;
  }

  @Override
  public synchronized LearningSettings settings() {
    return settings;
  }

  @Override
  public synchronized Map<String, TraitWeight> all() {
    Map<String, TraitWeight> m = new LinkedHashMap<>();
    traits.forEach((n, p) -> m.put(n, p.toWeight(clock.instant())));
    return m;
  }

  @Override
  public synchronized Optional<TraitWeight> find(String name) {
    return Optional.ofNullable(traits.get(name)).map(p -> p.toWeight(clock.instant()));
  }

  @Override
  public synchronized Map<String, TraitPosterior> posteriors() {
    return new LinkedHashMap<>(traits);
  }

  @Override
  public synchronized TraitWeight observe(
      String name, TraitEvidence e, Instant at, String source, String reason) {
    TraitPosterior old = require(name);
    TraitPosterior next = old.observe(e, at, settings);
    double asked = TraitPosterior.clip(next.mean(settings), next.min(), next.max()) - old.weight();
    return put(old, next, asked, source, reason);
  }

  @Override
  public synchronized TraitPosterior observeCluster(
      String name, int cluster, TraitEvidence e, Instant at) {
    TraitPosterior trait = require(name);
    Map<Integer, TraitPosterior> mine = clusters.computeIfAbsent(name, k -> new TreeMap<>());
    TraitPosterior old = mine.getOrDefault(cluster, trait.newCluster());
    TraitPosterior next = old.pinnedUntil(trait.pinnedUntil()).observe(e, at, settings);
    mine.put(cluster, next);
    return next;
  }

  @Override
  public synchronized long watermark(java.util.UUID journal) {
    return watermarks.getOrDefault(journal, 0L);
  }

  @Override
  public synchronized List<TraitWeight> applySegment(
      java.util.UUID journal, long seq, List<EvidenceSum> sums, Instant at) {
    if (watermarks.getOrDefault(journal, 0L) >= seq) {
      return List.of();
    }
    watermarks.put(journal, seq);
    List<TraitWeight> out = new ArrayList<>();
    for (EvidenceSum s :
        sums.stream().sorted(java.util.Comparator.comparing(EvidenceSum::target)).toList()) {
      if (!BASE.equals(s.trait()) && !traits.containsKey(s.trait())) {
        continue; // a trait that no longer exists
      }
      if (BASE.equals(s.trait())) {
        observeBase(s.cluster(), s.evidence(), at);
      } else if (s.cluster() == EvidenceSum.TRAIT) {
        out.add(observe(s.trait(), s.evidence(), at, "reward", s.answers() + " answer(s)"));
      } else {
        observeCluster(s.trait(), s.cluster(), s.evidence(), at);
      }
    }
    return out;
  }

  @Override
  public synchronized TraitPosterior observeBase(int cluster, TraitEvidence e, Instant at) {
    TraitPosterior old = base.getOrDefault(cluster, baseCluster());
    TraitPosterior next = old.observe(e, at, settings);
    base.put(cluster, next);
    return next;
  }

  /** The base model's posterior in a new cluster: the neutral prior, no evidence. */
  static TraitPosterior baseCluster() {
    return TraitPosterior.initial(BASE, ClusterBandit.BASE_PRIOR, 0, 1);
  }

  @Override
  public synchronized Map<Integer, TraitPosterior> baseClusters() {
    return new TreeMap<>(base);
  }

  @Override
  public synchronized Map<String, Map<Integer, TraitPosterior>> clusterPosteriors() {
    Map<String, Map<Integer, TraitPosterior>> m = new TreeMap<>();
    clusters.forEach((n, c) -> m.put(n, new TreeMap<>(c)));
    return m;
  }

  @Override
  public synchronized TraitWeight update(String name, double delta, String source, String reason) {
    TraitPosterior old = require(name);
    return steer(
        old, old.steer(old.weight() + delta, clock.instant(), settings), delta, source, reason);
  }

  @Override
  public synchronized TraitWeight set(String name, double weight, String source, String reason) {
    TraitPosterior old = require(name);
    return steer(
        old, old.steer(weight, clock.instant(), settings), weight - old.weight(), source, reason);
  }

  private TraitPosterior require(String name) {
    TraitPosterior p = traits.get(name);
    if (p == null) {
      throw new NoSuchElementException("unknown trait " + name);
    }
    return p;
  }

  private TraitWeight put(
      TraitPosterior old, TraitPosterior next, double asked, String source, String reason) {
    traits.put(next.name(), next);
    Instant now = clock.instant();
    history
        .computeIfAbsent(next.name(), k -> new ArrayList<>())
        .add(new TraitChange(next.name(), old.weight(), next.weight(), asked, source, reason, now));
    return next.toWeight(now);
  }

  /** Operator steering also restarts the trait's clusters from the steered weight. */
  private TraitWeight steer(
      TraitPosterior old, TraitPosterior next, double asked, String source, String reason) {
    clusters.computeIfPresent(next.name(), (n, c) -> restart(c, next));
    return put(old, next, asked, source, reason);
  }

  private static Map<Integer, TraitPosterior> restart(
      Map<Integer, TraitPosterior> old, TraitPosterior steered) {
    Map<Integer, TraitPosterior> fresh = new TreeMap<>();
    old.keySet().forEach(c -> fresh.put(c, steered.newCluster()));
    return fresh;
  }

  @Override
  public synchronized List<TraitChange> history(String name, int limit) {
    List<TraitChange> all = new ArrayList<>(history.getOrDefault(name, List.of()));
    java.util.Collections.reverse(all);
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }

  @Override
  public List<Calibration.Outcome> outcomes(String name, int limit) {
    return List.of();
  }
}
