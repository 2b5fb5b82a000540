package io.nyx.routing;

import io.nyx.memory.Encoded;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Routes that learn from use. A question a route answered well and a person's "this should have
 * gone to X" become learned exemplars of that route: stored with their provenance in a {@link
 * LearnedExemplarStore} shared by every replica, and added to the router's anchors ({@link
 * SemanticRouter#useLearned}). What the operator configured always stands:
 *
 * <ul>
 *   <li>learned exemplars are kept apart from the configured ones, at most {@link #perRoute} per
 *       route (the oldest learned leave first); with a calibrated threshold, enough of them may
 *       lower it (they are real in-scope questions), never raise it ({@link SemanticRouter});
 *   <li>a candidate whose embedding is within {@code duplicateCosine} of one of its route's anchors
 *       adds nothing and is not stored (near duplicates, not only equal texts);
 *   <li>a candidate at least as close to another route's configured exemplar ({@code
 *       conflictCosine} or more) contradicts what the operator wrote and is refused, and so is one
 *       that would make any configured exemplar of another route decide elsewhere ({@link
 *       SemanticRouter#keepsConfigured});
 *   <li>unknown and disabled routes learn nothing.
 * </ul>
 *
 * Replicas call {@link #refreshIfChanged} on a timer: a cheap version query, and a reload only when
 * some replica added or removed one. Thread-safe.
 */
public final class ExemplarLearning {
  /** The most learned exemplars a route keeps, whatever the settings. */
  static final int MAX_PER_ROUTE = 10_000;

  /**
   * @param maxPerRoute learned exemplars kept per route (10 configured exemplars per route is the
   *     benchmark shape; 50 learned keep a route's anchors within a few times the configured ones)
   * @param duplicateCosine a candidate this close to an anchor of its route is a near duplicate
   * @param conflictCosine a candidate this close to another route's configured exemplar is refused
   * @param minRating feedback of at least this (on [-1, 1]) makes the answered question evidence
   */
  public record Settings(
      int maxPerRoute, double duplicateCosine, double conflictCosine, double minRating) {
    public static final Settings DEFAULT = new Settings(50, 0.95, 0.95, 0.5);

    public Settings {
      if (maxPerRoute < 1 || maxPerRoute > MAX_PER_ROUTE) {
        throw new IllegalArgumentException("maxPerRoute must be in [1,10000]: " + maxPerRoute);
      }
      if (!(duplicateCosine > 0 && duplicateCosine <= 1 && conflictCosine > 0)) {
        throw new IllegalArgumentException("cosines must be in (0,1]");
      }
    }
  }

  /** What became of a candidate. */
  public sealed interface Outcome {
    record Learned(LearnedExemplar exemplar) implements Outcome {}

    /** Not stored: {@code reason} says why (near duplicate, conflict, unknown route...). */
    record Skipped(String reason) implements Outcome {}
  }

  private final SemanticRouter router;
  private final LearnedExemplarStore store;
  private final Settings settings;
  private final List<String> disabled;
  private LearnedExemplarStore.@Nullable Version loaded;

  public ExemplarLearning(SemanticRouter router, LearnedExemplarStore store, Settings settings) {
    this.router = router;
    this.store = store;
    this.settings = settings;
    this.disabled = router.settings().disabled();
  }

  /** A person's "{@code text} should have gone to {@code route}". */
  public Outcome correct(String route, String text, @Nullable UUID queryId, String rater) {
    return learn(
        new LearnedExemplar.Candidate(
            route, text.strip(), LearnedExemplar.Source.CORRECTION, queryId, rater));
  }

  /**
   * Feedback {@code rating} on {@code text}, answered by {@code route}: evidence for the route when
   * the rating reaches {@code minRating}; otherwise nothing is learned.
   */
  public Outcome rated(
      String route, String text, double rating, @Nullable UUID queryId, String rater) {
    if (rating < settings.minRating()) {
      return new Outcome.Skipped("rating " + rating + " below " + settings.minRating());
    }
    return learn(
        new LearnedExemplar.Candidate(
            route, text.strip(), LearnedExemplar.Source.FEEDBACK, queryId, rater));
  }

  /** The abstention thresholds routing uses now ({@link SemanticRouter#thresholds}). */
  public SemanticRouter.Thresholds thresholds() {
    return router.thresholds();
  }

  /** Every learned exemplar, oldest first. */
  public List<LearnedExemplar> list() {
    return store.all();
  }

  /** Removes one (every replica drops it at its next refresh); whether it existed. */
  public synchronized boolean remove(long id) {
    boolean removed = store.remove(id);
    if (removed) {
      reload();
    }
    return removed;
  }

  /** Reloads the router's learned exemplars when the store changed since the last load. */
  public synchronized boolean refreshIfChanged() {
    if (store.version().equals(loaded)) {
      return false;
    }
    reload();
    return true;
  }

  private synchronized Outcome learn(LearnedExemplar.Candidate c) {
    int i = router.specialists().indexOf(c.route());
    if (i < 0) {
      return new Outcome.Skipped("unknown route '" + c.route() + "'");
    }
    if (disabled.contains(c.route())) {
      return new Outcome.Skipped("route '" + c.route() + "' is disabled");
    }
    if (c.text().isBlank()) {
      return new Outcome.Skipped("blank text");
    }
    refreshIfChanged(); // another replica's exemplars count as duplicates too
    Encoded e = router.embedder().encode(c.text());
    double[] any = router.nearestAnchor(e.vector(), false);
    if (any[i] >= settings.duplicateCosine()) {
      return new Outcome.Skipped(
          String.format(java.util.Locale.ROOT, "near duplicate of an anchor (cos %.3f)", any[i]));
    }
    double[] configured = router.nearestAnchor(e.vector(), true);
    Optional<String> conflict = conflict(configured, i);
    if (conflict.isPresent()) {
      return new Outcome.Skipped(conflict.get());
    }
    if (!router.keepsConfigured(c.route(), c.text(), e)) {
      return new Outcome.Skipped("would take a configured exemplar of another route");
    }
    Optional<LearnedExemplar> added = store.add(c, perRoute());
    if (added.isEmpty()) {
      return new Outcome.Skipped("already learned");
    }
    reload();
    return new Outcome.Learned(added.get());
  }

  /**
   * The bound per route: maxPerRoute, raised where there are so few routes that the bound would
   * keep fewer learned questions than calibrating the threshold uses (fewer than six routes at 50
   * each hold under the newest 256 it uses at quantile 0.02), so that it can happen at all; never
   * over {@link #MAX_PER_ROUTE}.
   */
  int perRoute() {
    int routes = Math.max(1, router.specialists().size());
    int forCalibration = Math.ceilDiv(router.calibrationWindow(), routes);
    return Math.min(MAX_PER_ROUTE, Math.max(settings.maxPerRoute(), forCalibration));
  }

  /** A configured exemplar of another route at least as close as conflictCosine, if any. */
  private Optional<String> conflict(double[] configured, int own) {
    List<String> names = router.specialists();
    for (int j = 0; j < configured.length; j++) {
      if (j != own
          && configured[j] >= settings.conflictCosine()
          && configured[j] >= configured[own]) {
        return Optional.of(
            String.format(
                java.util.Locale.ROOT,
                "contradicts a configured exemplar of '%s' (cos %.3f)",
                names.get(j),
                configured[j]));
      }
    }
    return Optional.empty();
  }

  private void reload() {
    LearnedExemplarStore.Version v = store.version();
    // oldest first: the order they came in calibrates the threshold
    router.useLearned(
        store.all().stream()
            .map(e -> new SemanticRouter.LearnedText(e.route(), e.text()))
            .toList());
    loaded = v;
  }
}
