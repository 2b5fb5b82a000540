package io.nyx.adapter;

import io.nyx.backend.AdapterDirectory;
import io.nyx.backend.BackendException;
import io.nyx.backend.LoraAdmin;
import io.nyx.metrics.NyxMetrics;
import io.nyx.specialist.SpecialistConfig;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Adapter versions and their life cycle (docs/adapters.md): registration with the directory
 * checked, the operator's verbs, the report {@code GET /adapters} shows, this replica's routing
 * table ({@link #refresh}) and the deciding replica's automatic decisions ({@link #decide}). State
 * lives in the {@link AdapterStore}; every change is a compare-and-set there, so operators on any
 * replica and the deciding one never both win. Thread-safe.
 */
public final class AdapterLifecycle {
  private static final Logger LOG = Logger.getLogger(AdapterLifecycle.class.getName());

  /** The actor of automatic decisions. */
  public static final String NYX = "nyx";

  /** Answers a usage figure is read from, at most (the most recent). */
  static final int USAGE_LIMIT = 10_000;

  private final AdapterStore store;
  private final ModelServers servers;
  private final AdapterRoutes routes;
  private final AdapterSettings settings;
  private final NyxMetrics metrics;
  private final InstantSource clock;
  private final AdapterLoader loader;
  private final Rotation rotation;
  private final AdapterDecider decider;

  public AdapterLifecycle(
      AdapterStore store,
      ModelServers servers,
      AdapterRoutes routes,
      AdapterSettings settings,
      Retraining retraining,
      NyxMetrics metrics,
      InstantSource clock) {
    this.store = store;
    this.servers = servers;
    this.routes = routes;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.loader = new AdapterLoader(servers, settings.maxRank());
    this.rotation = new Rotation(store, loader, metrics, clock, settings.keepStandby());
    this.decider =
        new AdapterDecider(store, rotation, loader, servers, settings, retraining, metrics);
  }

  /** What {@code GET /adapters} shows of one version. */
  public record Report(
      AdapterVersion version,
      Usage usage,
      CanaryTest.@Nullable Verdict test,
      List<Transition> history) {}

  /**
   * Registers each configured specialist's adapter as version 1, active, unless the specialist has
   * versions already: an existing deployment keeps serving what it served. Its path is what vLLM
   * reports for it, if it can be asked now.
   */
  public void seed(List<SpecialistConfig> specialists) {
    Map<LoraAdmin, List<LoraAdmin.Served>> served = new java.util.HashMap<>();
    List<AdapterStore.Seed> seeds = new ArrayList<>();
    for (SpecialistConfig s : specialists) {
      List<LoraAdmin.Served> cards =
          served.computeIfAbsent(servers.admin(s.name()), AdapterLifecycle::servedOrNone);
      String root =
          cards.stream()
              .filter(m -> m.id().equals(s.adapter()))
              .map(LoraAdmin.Served::root)
              .findFirst()
              .orElse("");
      seeds.add(new AdapterStore.Seed(s.name(), s.adapter(), root));
    }
    for (AdapterVersion v : store.seed(seeds, clock.instant())) {
      LOG.info("registered " + v.specialist() + "'s adapter " + v.name() + " as version 1, active");
    }
  }

  /** What a server serves, or nothing when it cannot be asked now (asked once per server). */
  private static List<LoraAdmin.Served> servedOrNone(LoraAdmin admin) {
    try {
      return admin.served();
    } catch (BackendException e) {
      return List.of(); // vLLM not up yet: versions are served as configured, their paths unknown
    }
  }

  /** Every version with its figures, by specialist and version. */
  public List<Report> list() {
    List<Report> out = new ArrayList<>();
    List<AdapterVersion> all = store.all();
    for (AdapterVersion v : all) {
      out.add(report(v, all));
    }
    return out;
  }

  public Report show(String name) {
    List<AdapterVersion> all = store.all();
    return report(find(all, name), all);
  }

  private Report report(AdapterVersion v, List<AdapterVersion> all) {
    Instant since = v.state().serves() ? v.stateSince() : v.createdAt();
    Usage usage = store.usage(v.specialist(), v.version(), since, USAGE_LIMIT);
    CanaryTest.Verdict test =
        v.state() == AdapterState.CANARY
            ? decider.test(v, rotation.active(all, v.specialist()))
            : null;
    List<Transition> history =
        store.history(v.specialist()).stream().filter(t -> t.version() == v.version()).toList();
    return new Report(v, usage, test, history);
  }

  /**
   * Registers {@code path} as {@code specialist}'s version {@code version}, a candidate served as
   * {@code <specialist>-v<version>}, once its directory passed the checks. Nothing is loaded yet.
   */
  public Report register(String specialist, int version, String path, String actor) {
    if (servers.specialists().find(specialist).isEmpty()) {
      throw new AdapterException.Unknown(
          "specialist",
          "no specialist '" + specialist + "'; configured: " + servers.specialists().names());
    }
    if (version < 1 || version > 1_000_000) {
      throw new AdapterException.Invalid(
          "version", "'version' must be an integer in [1, 1000000] but was " + version);
    }
    String name = AdapterVersion.servedName(specialist, version);
    for (AdapterVersion v : store.all()) {
      if ((v.specialist().equals(specialist) && v.version() == version) || v.name().equals(name)) {
        throw new AdapterException.Conflict(
            name + " is registered already (" + v.state().label() + "); versions are never reused");
      }
    }
    AdapterDirectory.Checked checked = loader.inspect(specialist, path);
    AdapterVersion v =
        store.register(
            new AdapterStore.NewVersion(
                specialist, version, name, path, checked.baseModel(), checked.rank()),
            actor,
            "registered: adapter_config.json checked (rank "
                + checked.rank()
                + ", base "
                + checked.baseModel()
                + ")",
            clock.instant());
    return show(v.name());
  }

  /**
   * Applies an operator's verb to the version served as {@code name}.
   *
   * @param reason the operator's words, recorded with the transition ("" for none)
   */
  public Report apply(String name, AdapterCommand command, String actor, String reason) {
    AdapterVersion v = find(store.all(), name);
    String why = reason.isBlank() ? "by " + actor : reason + " (by " + actor + ")";
    try {
      switch (command) {
        case AdapterCommand.Canary c -> canary(v, c.share(), actor, why);
        case AdapterCommand.Promote p -> promote(v, actor, why);
        case AdapterCommand.Rollback r -> rollback(v, actor, why);
        case AdapterCommand.Retire r -> retire(v, actor, why);
      }
    } finally {
      refresh();
    }
    return show(name);
  }

  private void canary(AdapterVersion v, @Nullable Double share, String actor, String why) {
    double s = share == null ? settings.canary().share() : share;
    if (!(s > 0 && s < 1)) {
      throw new AdapterException.Invalid("share", "'share' must be in (0, 1) but was " + s);
    }
    switch (v.state()) {
      case CANARY -> rotation.canary(v, s, actor, "share set to " + s + ": " + why);
      case CANDIDATE -> {
        Optional<AdapterVersion> other = otherCanary(v);
        if (other.isPresent()) {
          throw new AdapterException.Conflict(
              other.get().name()
                  + " is already "
                  + v.specialist()
                  + "'s canary; promote, roll back or retire it first");
        }
        bringUp(v, actor);
        rotation.canary(v, s, actor, "canary with share " + s + ": " + why);
      }
      case ACTIVE, RETIRED, FAILED -> throw notAllowed(v, "canary", "a candidate or a canary");
    }
  }

  private void promote(AdapterVersion v, String actor, String why) {
    switch (v.state()) {
      case CANARY -> {
        CanaryTest.Verdict test = decider.test(v, rotation.active(store.all(), v.specialist()));
        rotation.promote(v, actor, "promoted by the operator: " + why, test.figures().toMap());
      }
      case CANDIDATE, RETIRED -> {
        bringUp(v, actor);
        rotation.promote(v, actor, "promoted by the operator without a canary: " + why, Map.of());
      }
      case ACTIVE, FAILED -> throw notAllowed(v, "promote", "a canary, a candidate or retired");
    }
  }

  private void rollback(AdapterVersion v, String actor, String why) {
    switch (v.state()) {
      case CANARY, CANDIDATE ->
          rotation.fail(v, actor, "rolled back by the operator: " + why, Map.of());
      case ACTIVE -> rotation.takeOut(v, actor, "rolled back by the operator: " + why, Map.of());
      case RETIRED, FAILED -> throw notAllowed(v, "rollback", "a canary, a candidate or active");
    }
  }

  private void retire(AdapterVersion v, String actor, String why) {
    if (v.state() == AdapterState.ACTIVE) {
      throw new AdapterException.Conflict(
          v.name()
              + " is "
              + v.specialist()
              + "'s active version; roll it back (its standby"
              + " takes over) or promote another version instead");
    }
    rotation.retire(v, actor, "retired: " + why);
  }

  /** Loads and checks {@code v}; a candidate that fails is marked failed with vLLM's reason. */
  private void bringUp(AdapterVersion v, String actor) {
    try {
      loader.bringUp(v);
      rotation.up(v);
    } catch (AdapterException.Refused e) {
      if (v.state() == AdapterState.CANDIDATE) {
        rotation.fail(v, actor, "failed to load: " + e.getMessage(), Map.of());
      }
      throw e;
    }
  }

  private Optional<AdapterVersion> otherCanary(AdapterVersion v) {
    return store.all().stream()
        .filter(o -> o.specialist().equals(v.specialist()) && o.state() == AdapterState.CANARY)
        .findFirst();
  }

  private static AdapterException.Conflict notAllowed(AdapterVersion v, String verb, String from) {
    return new AdapterException.Conflict(
        "cannot "
            + verb
            + " "
            + v.name()
            + ": it is "
            + v.state().label()
            + "; "
            + verb
            + " applies to "
            + from);
  }

  private static AdapterVersion find(List<AdapterVersion> all, String name) {
    return all.stream()
        .filter(v -> v.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AdapterException.Unknown(
                    "name", "no adapter version is served as '" + name + "'"));
  }

  /** Reloads this replica's routing table from the registry. */
  public void refresh() {
    List<AdapterVersion> all = store.all();
    routes.update(all);
    for (String specialist : servers.specialists().names()) {
      AdapterVersion active = rotation.active(all, specialist);
      double share =
          all.stream()
              .filter(v -> v.specialist().equals(specialist) && v.state() == AdapterState.CANARY)
              .mapToDouble(AdapterVersion::share)
              .findFirst()
              .orElse(0);
      metrics.adapterLineup(specialist, active == null ? 0 : active.version(), share);
    }
  }

  /** One round of the deciding replica's automatic decisions, then a refresh. */
  public void decide() {
    try {
      decider.decide();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "adapter decisions failed; next check retries", e);
    }
    refresh();
  }

  /** The names vLLM must serve for {@code specialist}: its active version and canary. */
  public List<String> serving(String specialist, String configured) {
    return routes.serving(specialist, configured);
  }
}
