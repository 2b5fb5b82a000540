package io.nyx.adapter;

import io.nyx.metrics.NyxMetrics;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The changes of rotation, each one registry transaction followed by what vLLM must do about it:
 * promotion (the old active version retires, kept loaded as the standby or unloaded), taking an
 * active version out (its standby, if loaded, takes over), ending a canary and retiring. Shared by
 * the operator's verbs and the automatic decisions, so both leave the same trail. Thread-safe.
 */
final class Rotation {
  private final AdapterStore store;
  private final AdapterLoader loader;
  private final NyxMetrics metrics;
  private final InstantSource clock;
  private final boolean keepStandby;

  Rotation(
      AdapterStore store,
      AdapterLoader loader,
      NyxMetrics metrics,
      InstantSource clock,
      boolean keepStandby) {
    this.store = store;
    this.loader = loader;
    this.metrics = metrics;
    this.clock = clock;
    this.keepStandby = keepStandby;
  }

  /**
   * Makes {@code v} (a canary, or a candidate or retired version already brought up) the active
   * version: the current one retires, another canary of the specialist ends, and vLLM keeps at most
   * one retired version (the standby) loaded.
   */
  AdapterVersion promote(
      AdapterVersion v, String actor, String reason, Map<String, Object> figures) {
    List<AdapterVersion> siblings = siblings(v);
    List<AdapterStore.Move> moves = new ArrayList<>();
    Optional<AdapterVersion> old = inState(siblings, AdapterState.ACTIVE);
    old.ifPresent(a -> moves.add(move(a, AdapterState.RETIRED, "superseded by " + v.name())));
    inState(siblings, AdapterState.CANARY)
        .filter(c -> !c.name().equals(v.name()))
        .ifPresent(
            c ->
                moves.add(
                    move(c, AdapterState.RETIRED, "canary ended: " + v.name() + " was promoted")));
    moves.add(move(v, AdapterState.ACTIVE, reason));
    AdapterVersion now = apply(moves, actor, figures, v.name());
    for (AdapterVersion r : store.all()) {
      boolean standby = keepStandby && old.isPresent() && r.name().equals(old.get().name());
      if (r.specialist().equals(v.specialist())
          && r.state() == AdapterState.RETIRED
          && r.loaded()
          && !standby) {
        down(r);
      }
    }
    return now;
  }

  /**
   * Takes the active version {@code v} out of rotation ({@code failed}); the newest retired version
   * still loaded, if any, becomes active in its place, else the base model answers for the
   * specialist with its prompt. Returns the version that stands in, if one does.
   */
  Optional<AdapterVersion> takeOut(
      AdapterVersion v, String actor, String reason, Map<String, Object> figures) {
    Optional<AdapterVersion> standby =
        siblings(v).stream()
            .filter(r -> r.state() == AdapterState.RETIRED && r.loaded())
            .max(Comparator.comparingInt(AdapterVersion::version));
    List<AdapterStore.Move> moves = new ArrayList<>();
    moves.add(move(v, AdapterState.FAILED, reason));
    standby.ifPresent(
        s ->
            moves.add(move(s, AdapterState.ACTIVE, "standing in for " + v.name() + ": " + reason)));
    apply(moves, actor, figures, v.name());
    down(v);
    return standby.flatMap(s -> find(s.name()));
  }

  /** Ends a canary or a candidate as {@code failed}; a canary is unloaded. */
  AdapterVersion fail(AdapterVersion v, String actor, String reason, Map<String, Object> figures) {
    AdapterVersion now =
        apply(List.of(move(v, AdapterState.FAILED, reason)), actor, figures, v.name());
    if (v.state() == AdapterState.CANARY || v.loaded()) {
      down(now);
    }
    return now;
  }

  /** Retires {@code v} (not the active one) and unloads it. */
  AdapterVersion retire(AdapterVersion v, String actor, String reason) {
    AdapterVersion now =
        v.state() == AdapterState.RETIRED
            ? v
            : apply(List.of(move(v, AdapterState.RETIRED, reason)), actor, Map.of(), v.name());
    if (v.loaded() || v.state() == AdapterState.CANARY) {
      down(now);
    }
    return find(now.name()).orElse(now);
  }

  /** A candidate or canary brought up and moved to canary with {@code share}. */
  AdapterVersion canary(AdapterVersion v, double share, String actor, String reason) {
    AdapterStore.Move m =
        new AdapterStore.Move(v.name(), v.state(), AdapterState.CANARY, share, reason);
    return apply(List.of(m), actor, Map.of("share", share), v.name());
  }

  /** Unloads {@code v} from vLLM and records that it is not served. */
  void down(AdapterVersion v) {
    if (loader.takeDown(v)) {
      store.loaded(v.name(), false);
    }
  }

  /** Records that vLLM serves {@code v} (it was just brought up). */
  void up(AdapterVersion v) {
    store.loaded(v.name(), true);
  }

  private AdapterVersion apply(
      List<AdapterStore.Move> moves, String actor, Map<String, Object> figures, String name) {
    for (AdapterStore.Move m : moves) {
      if (!m.from().mayBecome(m.to())) {
        throw new AdapterException.Conflict(
            m.name() + " is " + m.from().label() + " and cannot become " + m.to().label());
      }
    }
    List<AdapterVersion> changed = store.apply(moves, actor, figures, clock.instant());
    for (AdapterStore.Move m : moves) {
      String by = actor.equals(AdapterLifecycle.NYX) ? AdapterLifecycle.NYX : "operator";
      metrics.adapterTransition(specialistOf(changed, m.name()), m.to().label(), by);
    }
    return changed.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private static String specialistOf(List<AdapterVersion> versions, String name) {
    return versions.stream()
        .filter(v -> v.name().equals(name))
        .map(AdapterVersion::specialist)
        .findFirst()
        .orElse("unknown");
  }

  private static AdapterStore.Move move(AdapterVersion v, AdapterState to, String reason) {
    return new AdapterStore.Move(v.name(), v.state(), to, 0, reason);
  }

  private List<AdapterVersion> siblings(AdapterVersion v) {
    return store.all().stream().filter(o -> o.specialist().equals(v.specialist())).toList();
  }

  private static Optional<AdapterVersion> inState(List<AdapterVersion> vs, AdapterState s) {
    return vs.stream().filter(v -> v.state() == s).findFirst();
  }

  Optional<AdapterVersion> find(String name) {
    return store.all().stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** The active version of {@code specialist}, if it has one. */
  @Nullable AdapterVersion active(List<AdapterVersion> all, String specialist) {
    return all.stream()
        .filter(v -> v.specialist().equals(specialist) && v.state() == AdapterState.ACTIVE)
        .findFirst()
        .orElse(null);
  }
}
