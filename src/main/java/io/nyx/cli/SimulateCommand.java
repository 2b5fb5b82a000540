package io.nyx.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.app.Embedders;
import io.nyx.config.ConfigException;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import io.nyx.evaluation.Labeled;
import io.nyx.evaluation.LearningCurve;
import io.nyx.evaluation.Simulation;
import io.nyx.learning.MemoryTraitStore;
import io.nyx.learning.TraitConfig;
import io.nyx.memory.CachingEmbedder;
import io.nyx.memory.Embedder;
import io.nyx.routing.SemanticRouter;
import io.nyx.specialist.SpecialistConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * {@code nyx simulate}: replays a labeled stream through the real router (MiniLM, as configured)
 * and the trait learner with rewards drawn from known rates ({@link Simulation}); prints regret and
 * writes a learning-curve picture. Deterministic for a seed. One simulated request per second.
 */
final class SimulateCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "simulate";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx simulate --data LABELED.jsonl --steps N [options]

          --config FILE        YAML with specialists, routing and traits.* (default: shipped)
          --data FILE          JSON lines {"text": ..., "label": specialist|none}
          --steps N            requests to simulate
          --seed S             random seed (default 42)
          --rates FILE         JSON {arm: {label: p}}; arms are specialists and "base" (abstain).
                               Default: the label's specialist (base for "none") 0.8, others 0.3
          --degrade NAME[:P]   NAME's success rate is P (default 0.1) from steps/3 to 2·steps/3
          --clusters K         query clusters for per-cluster posteriors (default traits.clusters;
                               0 = one posterior per specialist)
          --out FILE.html      learning curves as self-contained HTML with inline SVG
        """;
  }

  @Override
  public int run(
      List<String> argv,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env) {
    Args args =
        Args.parse(
            argv,
            Set.of("config", "data", "steps", "seed", "rates", "degrade", "out", "clusters"),
            Set.of());
    if (!args.has("data") || !args.has("steps")) {
      throw new UsageException("--data and --steps are required");
    }
    int steps = positive("steps", args.value("steps"));
    long seed = Long.parseLong(args.flags().getOrDefault("seed", "42"));
    Map<String, String> flags = new HashMap<>();
    if (args.has("config")) {
      flags.put("config", args.flags().get("config"));
    }
    NyxConfig config = ConfigLoader.load(flags, env);
    TraitConfig traits =
        args.has("clusters")
            ? withClusters(config.traits(), count("clusters", args.value("clusters")))
            : config.traits();
    List<Labeled> items = items(Path.of(args.flags().get("data")));
    List<String> names = config.specialists().stream().map(SpecialistConfig::name).toList();
    Simulation.Rates rates = rates(args, names, items);
    Optional<Simulation.Drift> drift = drift(args.flags().get("degrade"), steps);
    MemoryTraitStore store = new MemoryTraitStore(InstantSource.fixed(Instant.EPOCH));
    store.configure(config.traits().learning());
    for (SpecialistConfig s : config.specialists()) {
      store.ensure(s.name(), s.initialWeight(), config.traits().min(), config.traits().max());
    }
    Simulation.Result r;
    try (Embedder embedder =
        new CachingEmbedder(Embedders.create(config.embedding()), items.size() + 16)) {
      SemanticRouter router = new SemanticRouter(embedder, config.specialists(), config.routing());
      Simulation sim =
          new Simulation(
              router,
              items,
              rates,
              names,
              traits.explorer(),
              Duration.ofSeconds(1),
              router.clusters(traits.clusters(), TraitConfig.CLUSTER_SEED),
              traits.bandit(),
              traits.banditMargin());
      r = sim.run(steps, drift, store, new SplittableRandom(seed));
    }
    report(r, drift, store, out);
    if (args.has("out")) {
      write(Path.of(args.flags().get("out")), LearningCurve.html(r, drift));
      out.println("curve: " + args.flags().get("out"));
    }
    return 0;
  }

  private static void report(
      Simulation.Result r,
      Optional<Simulation.Drift> drift,
      MemoryTraitStore store,
      PrintStream out) {
    int n = r.steps();
    out.printf("steps: %d   traffic: %s%n", n, r.traffic());
    out.printf(
        "cumulative regret: vs oracle %.1f, vs static routing %.1f, vs best fixed arm (%s) %.1f%n",
        r.regretOracle()[n - 1],
        r.regretStatic()[n - 1],
        r.bestFixed(),
        r.regretBestFixed()[n - 1]);
    for (int q = 1; q <= 4; q++) {
      int a = (q - 1) * n / 4;
      int b = q * n / 4 - 1;
      double start = a == 0 ? 0 : r.regretOracle()[a - 1];
      out.printf("regret vs oracle in quarter %d: %.1f%n", q, r.regretOracle()[b] - start);
    }
    out.println(
        "cumulative regret at step: vs oracle / vs reachable oracle / vs best per-context fixed"
            + (r.clusterGreedy() ? " (greedy ranking)" : "")
            + " / vs best fixed arm / vs static");
    for (int c : checkpoints(n)) {
      out.printf(
          "  %6d: %8.1f / %8.1f / %8.1f / %8.1f / %8.1f%n",
          c,
          r.regretOracle()[c - 1],
          r.regretReachable()[c - 1],
          r.regretCluster()[c - 1],
          r.regretBestFixed()[c - 1],
          r.regretStatic()[c - 1]);
    }
    if (n >= 1000) {
      int h = n / 2;
      out.printf(
          "regret growth over the last doubling, R(%d)/R(%d): vs oracle %.2f, vs per-context"
              + " fixed %.2f (2 = linear, 1 = no new regret)%n",
          n,
          h,
          r.regretOracle()[n - 1] / r.regretOracle()[h - 1],
          r.regretCluster()[n - 1] / r.regretCluster()[h - 1]);
    }
    int beat = -1;
    for (int t = 0; t < n && beat < 0; t++) {
      beat = r.regretStatic()[t] < 0 ? t + 1 : -1;
    }
    int stays = n;
    while (stays > 0 && r.regretStatic()[stays - 1] < 0) {
      stays--;
    }
    out.printf(
        "first ahead of static routing at request: %d; ahead for good from request: %s%n",
        beat, stays == n ? "never" : Integer.toString(stays + 1));
    drift.ifPresent(
        d ->
            out.printf(
                "%s degraded at %d: traffic halved after %d requests; healed at %d: back to 3/4"
                    + " of its share after %d requests%n",
                d.arm(),
                d.from(),
                r.shiftAfter(d.from(), d.from(), 200, 0.5, true),
                d.to(),
                r.shiftAfter(d.to(), d.from(), 200, 0.75, false)));
    store.posteriors().forEach((name, p) -> out.printf("  %-10s weight %.3f%n", name, p.weight()));
  }

  /**
   * The steps the regret table shows: 500, 1,000, 2,000 ... (the figures in docs/learning.md), from
   * an eighth of the run when it is shorter, and always the last step.
   */
  static List<Integer> checkpoints(int steps) {
    List<Integer> at = new ArrayList<>();
    for (int c = steps >= 500 ? 500 : Math.max(1, steps / 8); c <= steps; c *= 2) {
      at.add(c);
    }
    if (at.isEmpty() || at.getLast() != steps) {
      at.add(steps);
    }
    return at;
  }

  /** The traits with {@code k} clusters; a k out of range is a configuration error. */
  private static TraitConfig withClusters(TraitConfig traits, int k) {
    return ConfigException.under("traits.", () -> traits.withClusters(k));
  }

  private static int count(String flag, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + flag + " must be an integer >= 0 but was \"" + v + "\"");
    }
  }

  private static int positive(String flag, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + flag + " must be a positive integer but was \"" + v + "\"");
    }
  }

  private static List<Labeled> items(Path file) {
    List<Labeled> items = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          JsonNode j = JSON.readTree(line);
          items.add(new Labeled(j.path("text").asText(), j.path("label").asText()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (items.isEmpty()) {
      throw new UsageException("--data " + file + " has no lines");
    }
    return items;
  }

  /** The standard rates, overlaid with {@code --rates} where given. */
  private static Simulation.Rates rates(Args args, List<String> names, List<Labeled> items) {
    List<String> arms = new ArrayList<>(names);
    arms.add(Simulation.BASE);
    TreeSet<String> labels = new TreeSet<>();
    items.forEach(i -> labels.add(i.label()));
    Simulation.Rates standard = Simulation.Rates.standard(arms, List.copyOf(labels));
    if (!args.has("rates")) {
      return standard;
    }
    Map<String, Map<String, Double>> given;
    try {
      given = JSON.readValue(Path.of(args.flags().get("rates")).toFile(), new TypeReference<>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read --rates: " + e.getMessage(), e);
    }
    Map<String, Map<String, Double>> p = new HashMap<>();
    standard.p().forEach((arm, row) -> p.put(arm, new HashMap<>(row)));
    given.forEach((arm, row) -> p.computeIfAbsent(arm, a -> new HashMap<>()).putAll(row));
    return new Simulation.Rates(p, standard.fallback());
  }

  private static Optional<Simulation.Drift> drift(@Nullable String spec, int steps) {
    if (spec == null) {
      return Optional.empty();
    }
    String[] parts = spec.split(":", 2);
    double p = parts.length == 2 ? Double.parseDouble(parts[1]) : 0.1;
    return Optional.of(new Simulation.Drift(parts[0], steps / 3, 2 * steps / 3, p));
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
