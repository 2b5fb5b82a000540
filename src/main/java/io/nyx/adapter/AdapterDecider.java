package io.nyx.adapter;

import io.nyx.backend.BackendException;
import io.nyx.backend.LoraAdmin;
import io.nyx.metrics.NyxMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * What the deciding replica does every check interval: judges each canary with {@link CanaryTest}
 * and promotes or rolls it back; judges each active version with {@link HealthCheck} and takes a
 * failing one out of rotation (a metric, a log line at WARNING, a retraining export); then makes
 * vLLM serve what the registry says (loads an active version or canary it lost, unloads failed and
 * retired ones but the standby). One specialist's trouble does not stop the others'. Used by one
 * thread at a time.
 */
final class AdapterDecider {
  private static final Logger LOG = Logger.getLogger(AdapterDecider.class.getName());

  /** The active side of a canary test may have many times the canary's answers. */
  static final int ACTIVE_SIDE_FACTOR = 100;

  private final AdapterStore store;
  private final Rotation rotation;
  private final AdapterLoader loader;
  private final ModelServers servers;
  private final AdapterSettings settings;
  private final HealthCheck health;
  private final Retraining retraining;
  private final NyxMetrics metrics;

  AdapterDecider(
      AdapterStore store,
      Rotation rotation,
      AdapterLoader loader,
      ModelServers servers,
      AdapterSettings settings,
      Retraining retraining,
      NyxMetrics metrics) {
    this.store = store;
    this.rotation = rotation;
    this.loader = loader;
    this.servers = servers;
    this.settings = settings;
    this.health = new HealthCheck(settings.repair());
    this.retraining = retraining;
    this.metrics = metrics;
  }

  void decide() {
    List<AdapterVersion> all = store.all();
    for (String specialist : specialists(all)) {
      try {
        judge(all, specialist);
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "adapter decisions for " + specialist + " failed; next check retries",
            e);
      }
    }
    reconcile(store.all());
  }

  /**
   * The canary first; the active version's health only when the canary left the line-up as it was
   * (a promotion replaced the active version: it is judged at the next check).
   */
  private void judge(List<AdapterVersion> all, String specialist) {
    AdapterVersion active = rotation.active(all, specialist);
    for (AdapterVersion v : all) {
      if (v.specialist().equals(specialist)
          && v.state() == AdapterState.CANARY
          && canary(v, active)) {
        return;
      }
    }
    if (active != null) {
      repair(active);
    }
  }

  /** The canary test on the answers since the canary began, each side in the order given. */
  CanaryTest.Verdict test(AdapterVersion canary, @Nullable AdapterVersion active) {
    CanarySettings s = settings.canary();
    double[] mine =
        store.rewards(canary.specialist(), canary.version(), canary.stateSince(), s.maxSamples());
    double[] theirs =
        store.rewards(
            canary.specialist(),
            active == null ? null : active.version(),
            canary.stateSince(),
            s.maxSamples() * ACTIVE_SIDE_FACTOR);
    return CanaryTest.judge(mine, theirs, s);
  }

  /** Decides the canary if the test says so; true when it changed the line-up. */
  private boolean canary(AdapterVersion c, @Nullable AdapterVersion active) {
    String against = active == null ? "the base model" : active.name();
    switch (test(c, active)) {
      case CanaryTest.Verdict.Collecting x -> {
        return false;
      }
      case CanaryTest.Verdict.Promote p -> {
        rotation.promote(
            c,
            AdapterLifecycle.NYX,
            "promoted: " + sentence(p.figures(), against),
            p.figures().toMap());
        return true;
      }
      case CanaryTest.Verdict.Rollback r -> {
        rotation.fail(
            c,
            AdapterLifecycle.NYX,
            "rolled back: " + sentence(r.figures(), against),
            r.figures().toMap());
        return false;
      }
      case CanaryTest.Verdict.Inconclusive i -> {
        rotation.fail(
            c,
            AdapterLifecycle.NYX,
            "rolled back as inconclusive after "
                + i.figures().canaryAnswers()
                + " answers (canary_max_samples): "
                + sentence(i.figures(), against),
            i.figures().toMap());
        return false;
      }
    }
  }

  private static String sentence(CanaryTest.Figures f, String against) {
    return String.format(
        Locale.ROOT,
        "mean reward %.3f over %d answers against %.3f over %d of %s; the difference is in"
            + " [%.3f, %.3f] (alpha %.3g, always valid)",
        f.canaryMean(),
        f.canaryAnswers(),
        f.activeMean(),
        f.activeAnswers(),
        against,
        f.lower(),
        f.upper(),
        f.settings().alpha());
  }

  private void repair(AdapterVersion active) {
    RepairSettings s = settings.repair();
    AdapterStore.Recent recent =
        store.recent(active.specialist(), active.version(), s.window(), HealthCheck.HISTORY);
    if (!(health.judge(recent.window(), recent.history())
        instanceof HealthCheck.Health.Degraded d)) {
      return;
    }
    double poorBelow = recent.history().rewardMean() - s.rewardDrop();
    List<String> poor =
        store.poorAnswers(active.specialist(), active.version(), s.window(), poorBelow);
    Map<String, Object> figures = new LinkedHashMap<>(d.figures());
    figures.put("poor_answers", poor.size());
    String export =
        retraining.prepare(
            active,
            d.reason(),
            figures,
            recent.history().answers() > 0 ? poorBelow : Double.NaN,
            poor);
    if (!export.isEmpty()) {
      figures.put("retraining_export", export);
    }
    var standIn = rotation.takeOut(active, AdapterLifecycle.NYX, d.reason(), figures);
    metrics.adapterRepair(active.specialist(), d.why());
    LOG.warning(
        active.name()
            + " taken out of rotation: "
            + d.reason()
            + "; "
            + standIn
                .map(v -> v.name() + " answers instead")
                .orElse("the base model answers with " + active.specialist() + "'s prompt"));
  }

  /**
   * vLLM serves the registry's active versions, canaries and one standby; nothing else of it. Only
   * versions Nyx registered (their directory inspected) are loaded again when vLLM lost them (it
   * restarted: runtime loads do not survive that); a version vLLM serves from its own {@code
   * --lora-modules} comes back with vLLM, and meanwhile the base model answers for it.
   */
  private void reconcile(List<AdapterVersion> all) {
    Map<LoraAdmin, List<AdapterVersion>> byServer = new LinkedHashMap<>();
    for (AdapterVersion v : all) {
      byServer.computeIfAbsent(servers.admin(v.specialist()), a -> new ArrayList<>()).add(v);
    }
    byServer.forEach(this::reconcile);
  }

  private void reconcile(LoraAdmin admin, List<AdapterVersion> versions) {
    Set<String> served = new HashSet<>();
    try {
      admin.served().forEach(s -> served.add(s.id()));
    } catch (BackendException e) {
      LOG.log(Level.FINE, "cannot reconcile adapters with " + admin.baseUrl(), e);
      return;
    }
    Set<String> standbys = standbys(versions, served);
    for (AdapterVersion v : versions) {
      boolean listed = served.contains(v.name());
      if (listed != v.loaded()) {
        store.loaded(v.name(), listed);
      }
      if (v.state().serves() && !listed && v.baseModel() != null) {
        reload(v);
      } else if (listed
          && !v.state().serves()
          && !standbys.contains(v.name())
          && v.state() != AdapterState.CANDIDATE) {
        rotation.down(v);
      }
    }
  }

  /** Per specialist, the newest retired version the server still serves (if standbys are kept). */
  private Set<String> standbys(List<AdapterVersion> versions, Set<String> served) {
    Set<String> names = new HashSet<>();
    if (!settings.keepStandby()) {
      return names;
    }
    Map<String, AdapterVersion> newest = new LinkedHashMap<>();
    versions.stream()
        .filter(v -> v.state() == AdapterState.RETIRED && served.contains(v.name()))
        .sorted(Comparator.comparingInt(AdapterVersion::version))
        .forEach(v -> newest.put(v.specialist(), v));
    newest.values().forEach(v -> names.add(v.name()));
    return names;
  }

  private void reload(AdapterVersion v) {
    try {
      loader.bringUp(v);
      rotation.up(v);
      LOG.info(v.name() + " was not served by vLLM; loaded it again");
    } catch (AdapterException e) {
      LOG.log(
          Level.WARNING,
          v.name()
              + " is "
              + v.state().label()
              + " but vLLM does not serve it,"
              + " and loading it failed: "
              + e.getMessage());
    }
  }

  private static List<String> specialists(List<AdapterVersion> all) {
    return all.stream().map(AdapterVersion::specialist).distinct().toList();
  }
}
