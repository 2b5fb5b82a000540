package io.nyx.evaluation;

import io.nyx.learning.BanditContext;
import io.nyx.learning.ClusterBandit;
import io.nyx.learning.ClusterComparator;
import io.nyx.learning.MemoryTraitStore;
import io.nyx.learning.ThompsonExplorer;
import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitPosterior;
import io.nyx.routing.QueryClusters;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Replays a labeled stream against a router and the trait learner, with rewards drawn from known
 * success rates, and measures regret. Each step: draw an item, route it with the learned weights
 * (exploration may override), draw success ~ Bernoulli(p[arm][label]) where arm is the chosen
 * specialist or {@link #BASE} when the router abstains, and feed it to the learner as one
 * observation. Regret uses the expected reward p, not the draw, so it is not noise:
 *
 * <pre>
 *   regret vs oracle(t)     = sum over steps &lt;= t of max_a p[a][label] - p[arm][label]
 *   regret vs static(t)     = sum of p[static arm][label] - p[arm][label]   (router, initial weights)
 *   regret vs best fixed(t) = sum of p[a*][label] - p[arm][label], a* the best single arm overall
 *   regret vs reachable(t)  = sum of max over a in R(query) of p[a][label] - p[arm][label]
 *   regret vs cluster(t)    = sum of p[pi_c(query)][label] - p[arm][label]
 * </pre>
 *
 * pi_c is the best fixed choice per context in hindsight ({@link ClusterComparator}). With query
 * clusters a context is what the bandit conditions on ({@link BanditContext}: the query's cluster
 * and the arms allowed for it, its admissible specialists and the base model), so pi_c is the best
 * arm per context: it sees what the learner sees, and regret against it is what the learner has not
 * yet learned. Without clusters all queries share one context and pi_c is the best single ranking
 * of the arms, each query going to the highest-ranked arm allowed for it.
 *
 * <p>R(query), the arms routing can reach for that query with some trait weights, is found by
 * asking the router once per arm: specialist s is reachable when it is chosen with s at its maximum
 * weight and every other at its minimum; the base model when the router abstains with all at their
 * minimum. The oracle may pick an arm no weight can make the router choose (a specialist good at
 * queries it does not fit), so regret vs oracle keeps a part no learner can remove; regret vs
 * reachable is what learning weights can win back.
 *
 * <p>An optional {@link Drift} sets one specialist's rate on every label to {@code rate} during
 * [from, to): it silently degrades, then heals. The simulated clock advances {@code tick} per
 * request. Deterministic for a seed; single-threaded.
 */
public final class Simulation {
  /** The arm that answers when the router abstains. */
  public static final String BASE = "base";

  /** Success probability per arm and label; {@code fallback} when neither is listed. */
  public record Rates(Map<String, Map<String, Double>> p, double fallback) {
    public double of(String arm, String label) {
      return p.getOrDefault(arm, Map.of()).getOrDefault(label, fallback);
    }

    /** The default: the right arm (the label's specialist, or base for "none") 0.8, others 0.3. */
    public static Rates standard(List<String> arms, List<String> labels) {
      Map<String, Map<String, Double>> p = new HashMap<>();
      for (String a : arms) {
        Map<String, Double> row = new HashMap<>();
        for (String l : labels) {
          boolean right = a.equals(l) || (a.equals(BASE) && l.equals("none"));
          row.put(l, right ? 0.8 : 0.3);
        }
        p.put(a, row);
      }
      return new Rates(p, 0.3);
    }
  }

  public record Drift(String arm, int from, int to, double rate) {}

  /** Cumulative curves (one value per step) and the traffic of the drifting arm. */
  public record Result(
      double[] regretOracle,
      double[] regretReachable,
      double[] regretStatic,
      double[] regretBestFixed,
      double[] regretCluster,
      boolean clusterGreedy,
      String bestFixed,
      boolean[] driftArmChosen,
      Map<String, Integer> traffic) {
    public int steps() {
      return regretOracle.length;
    }

    /** Share of the W requests before {@code step} that went to the drifting arm. */
    public double share(int step, int w) {
      int n = 0;
      for (int i = Math.max(0, step - w); i < step; i++) {
        n += driftArmChosen[i] ? 1 : 0;
      }
      return (double) n / Math.min(w, step);
    }

    /**
     * Requests after {@code from} until the drifting arm's share of the last {@code w} requests
     * falls below {@code fraction} of its share in the {@code w} requests before {@code baseline}
     * ({@code below}), or rises to it ({@code !below}); -1 when it never does.
     */
    public int shiftAfter(int from, int baseline, int w, double fraction, boolean below) {
      double before = share(baseline, w);
      for (int t = from + 1; t <= steps(); t++) {
        double s = share(t, w);
        if (below ? s < fraction * before : s >= fraction * before) {
          return t - from;
        }
      }
      return -1;
    }
  }

  private final Router router;
  private final List<Labeled> items;
  private final Rates rates;
  private final List<String> arms;
  private final ThompsonExplorer explorer;
  private final Duration tick;
  private final QueryClusters clusters;
  private final ClusterBandit bandit;
  private final double margin;

  /** Without query clusters: one posterior per specialist. */
  public Simulation(
      Router router,
      List<Labeled> items,
      Rates rates,
      List<String> specialists,
      ThompsonExplorer explorer,
      Duration tick) {
    this(
        router,
        items,
        rates,
        specialists,
        explorer,
        tick,
        QueryClusters.NONE,
        new ClusterBandit(0),
        1);
  }

  /**
   * @param margin the bandit's candidates are within this of the best similarity ({@link
   *     Router#admissible})
   * @param clusters kinds of query; with clusters the {@code bandit} decides (each answer, the base
   *     model's too, teaches the posterior of its arm in the query's cluster), without them the
   *     router and the {@code explorer}
   */
  public Simulation(
      Router router,
      List<Labeled> items,
      Rates rates,
      List<String> specialists,
      ThompsonExplorer explorer,
      Duration tick,
      QueryClusters clusters,
      ClusterBandit bandit,
      double margin) {
    this.clusters = clusters;
    this.bandit = bandit;
    this.margin = margin;
    this.router = router;
    this.items = List.copyOf(items);
    this.rates = rates;
    this.arms = new java.util.ArrayList<>(specialists);
    this.arms.add(BASE);
    this.explorer = explorer;
    this.tick = tick;
  }

  /**
   * @param store holds the learned state; its traits are the specialists, already ensured
   */
  public Result run(int steps, Optional<Drift> drift, MemoryTraitStore store, RandomGenerator rng) {
    Map<String, Optional<String>> staticChoice = new HashMap<>();
    Map<String, Integer> clusterOf = new HashMap<>();
    Map<String, List<String>> reach = new HashMap<>();
    Map<String, List<String>> admits = new HashMap<>();
    ClusterComparator comparator = new ClusterComparator();
    double[] reachable = new double[steps];
    double cumReachable = 0;
    Map<String, Double> initial = weights(store);
    double[] oracle = new double[steps];
    double[] stat = new double[steps];
    double[][] fixed = new double[arms.size()][steps];
    double[] learner = new double[steps];
    boolean[] driftChosen = new boolean[steps];
    Map<String, Integer> traffic = new LinkedHashMap<>();
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    double cumOracle = 0, cumStatic = 0, cumLearner = 0;
    double[] cumFixed = new double[arms.size()];
    for (int t = 0; t < steps; t++) {
      Labeled item = items.get(rng.nextInt(items.size()));
      Instant now = t0.plus(tick.multipliedBy(t));
      List<String> allowed = admits.computeIfAbsent(item.text(), q -> router.admissible(q, margin));
      int cluster =
          clusterOf.computeIfAbsent(item.text(), q -> BanditContext.of(clusters.of(q), allowed));
      Optional<String> chosen = decide(item, cluster, allowed, store, now, rng);
      String arm = chosen.orElse(BASE);
      double p = rate(drift, t, arm, item.label());
      boolean success = rng.nextDouble() < p;
      learn(chosen, cluster, new TraitEvidence(success ? 1 : 0, 1), store, now);
      comparator.add(cluster, allowedRates(allowed, drift, t, item.label()));
      traffic.merge(arm, 1, Integer::sum);
      driftChosen[t] = drift.isPresent() && drift.get().arm().equals(arm);
      String st =
          staticChoice
              .computeIfAbsent(item.text(), q -> router.route(q, initial).specialist())
              .orElse(BASE);
      double best = 0;
      for (int a = 0; a < arms.size(); a++) {
        double pa = rate(drift, t, arms.get(a), item.label());
        best = Math.max(best, pa);
        cumFixed[a] += pa;
        fixed[a][t] = cumFixed[a];
      }
      cumOracle += best;
      double bestReachable = 0;
      for (String a : reach.computeIfAbsent(item.text(), q -> reachable(q, store))) {
        bestReachable = Math.max(bestReachable, rate(drift, t, a, item.label()));
      }
      cumReachable += bestReachable;
      reachable[t] = cumReachable;
      cumStatic += rate(drift, t, st, item.label());
      cumLearner += p;
      oracle[t] = cumOracle;
      stat[t] = cumStatic;
      learner[t] = cumLearner;
    }
    return result(oracle, reachable, stat, fixed, learner, comparator.best(), driftChosen, traffic);
  }

  /** With clusters the bandit's choice; without, the router's (exploration may override). */
  private Optional<String> decide(
      Labeled item,
      int cluster,
      List<String> allowed,
      MemoryTraitStore store,
      Instant now,
      RandomGenerator rng) {
    RouteDecision d = router.route(item.text(), weights(store));
    if (cluster < 0) {
      return explorer.choose(d.scores(), d.specialist(), store.posteriors(), store.settings(), rng);
    }
    ClusterBandit.State state =
        new ClusterBandit.State(
            store.posteriors(), store.clusterPosteriors(), store.baseClusters(), store.settings());
    return bandit.choose(cluster, allowed, d.specialist(), state, now, rng);
  }

  private static void learn(
      Optional<String> chosen, int cluster, TraitEvidence e, MemoryTraitStore store, Instant now) {
    if (chosen.isPresent()) {
      store.observe(chosen.get(), e, now, "sim", "");
      if (cluster >= 0) {
        store.observeCluster(chosen.get(), cluster, e, now);
      }
    } else if (cluster >= 0) {
      store.observeBase(cluster, e, now);
    }
  }

  /** Expected reward of each arm allowed for the query (its admissible specialists and base). */
  private Map<Integer, Double> allowedRates(
      List<String> allowed, Optional<Drift> drift, int t, String label) {
    Map<Integer, Double> r = new HashMap<>();
    for (String a : allowed) {
      r.put(arms.indexOf(a), rate(drift, t, a, label));
    }
    r.put(arms.indexOf(BASE), rate(drift, t, BASE, label));
    return r;
  }

  /** The arms some trait weights make the router choose for {@code query} (class Javadoc). */
  private List<String> reachable(String query, MemoryTraitStore store) {
    Map<String, TraitPosterior> traits = store.posteriors();
    List<String> out = new java.util.ArrayList<>();
    for (String s : traits.keySet()) {
      Map<String, Double> w = new HashMap<>();
      traits.forEach((n, p) -> w.put(n, n.equals(s) ? p.max() : p.min()));
      if (router.route(query, w).specialist().filter(s::equals).isPresent()) {
        out.add(s);
      }
    }
    Map<String, Double> low = new HashMap<>();
    traits.forEach((n, p) -> low.put(n, p.min()));
    if (router.route(query, low).specialist().isEmpty()) {
      out.add(BASE);
    }
    return out;
  }

  private Result result(
      double[] oracle,
      double[] reachable,
      double[] stat,
      double[][] fixed,
      double[] learner,
      ClusterComparator.Best cluster,
      boolean[] driftChosen,
      Map<String, Integer> traffic) {
    int steps = learner.length;
    int best = 0;
    for (int a = 1; a < arms.size(); a++) {
      if (steps > 0 && fixed[a][steps - 1] > fixed[best][steps - 1]) {
        best = a;
      }
    }
    double[] rOracle = new double[steps];
    double[] rReachable = new double[steps];
    double[] rStatic = new double[steps];
    double[] rFixed = new double[steps];
    double[] rCluster = new double[steps];
    double cum = 0;
    for (int t = 0; t < steps; t++) {
      cum += cluster.rewards()[t];
      rCluster[t] = cum - learner[t];
      rOracle[t] = oracle[t] - learner[t];
      rReachable[t] = reachable[t] - learner[t];
      rStatic[t] = stat[t] - learner[t];
      rFixed[t] = fixed[best][t] - learner[t];
    }
    return new Result(
        rOracle,
        rReachable,
        rStatic,
        rFixed,
        rCluster,
        cluster.greedy(),
        arms.get(best),
        driftChosen,
        traffic);
  }

  private double rate(Optional<Drift> drift, int t, String arm, String label) {
    if (drift.isPresent()
        && drift.get().arm().equals(arm)
        && t >= drift.get().from()
        && t < drift.get().to()) {
      return drift.get().rate();
    }
    return rates.of(arm, label);
  }

  private static Map<String, Double> weights(MemoryTraitStore store) {
    Map<String, Double> w = new HashMap<>();
    store.posteriors().forEach((n, p) -> w.put(n, p.weight()));
    return w;
  }
}
