package io.nyx.bench;

import io.nyx.specialist.SpecialistConfig;
import io.nyx.config.SpecialistsYaml;
import io.nyx.memory.Embedder;
import io.nyx.memory.LocalModel;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.memory.OnnxEmbedder;
import io.nyx.routing.ExemplarCache;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.RoutingSettings;
import io.nyx.routing.SemanticRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.jspecify.annotations.Nullable;

/**
 * Semantic decision latency (issue 3 targets: p50 <= 5 ms, p99 <= 15 ms per single query on 2
 * cores, including embedding a query of up to 128 tokens; p99 must not double from 5 to 500
 * specialists).
 *
 * <ul>
 *   <li>{@link #embedOnly}: the baseline, {@link MiniLmEmbedder#embed} of the query alone.
 *   <li>{@link #route}: {@link SemanticRouter#route}, i.e. the same embedding plus scoring every
 *       anchor, ranking, thresholding and confidence.
 * </ul>
 *
 * <p>{@code ranking} adds the ranking model's run to {@link #route} (docs/routing.md, "The ranking
 * model"); {@link #embedOnly} is MiniLM's alone either way. {@code specialists=5} is the shipped {@link SpecialistsYaml#defaults()} with the calibrated
 * ({@code auto}) threshold; {@code specialists=500} is synthetic (distinct topic x facet per
 * specialist, 20 exemplars each = 10,000 anchors, all embedded once per trial at setup) with a fixed
 * threshold, as SemanticRouterConfigsTest does for its 200-specialist set. Queries cycle through a
 * fixed list mixing short questions and ~100-word (~128-token) messages. Single-threaded; SampleTime
 * mode so JMH reports the p50/p90/p99 of individual calls.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--enable-native-access=ALL-UNNAMED",
      "--add-modules=jdk.incubator.vector", // as the nyx launcher runs it
      "-Xmx2g"
    })
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Threads(1)
public class RouteBenchmark {

  /** Threshold for the synthetic set (templated exemplars make a calibrated one very strict). */
  static final double SYNTHETIC_THRESHOLD = 0.25;

  static final int EXEMPLARS_PER_SPECIALIST = 20;

  @Param({"5", "500"})
  public int specialists;

  /**
   * Which queries: {@code mixed} (the default, alternating), {@code short} (the short questions
   * only), {@code long} (the ~128-token messages only) or {@code spread} (openings of the long
   * messages at evenly spaced lengths: every length up to 128 tokens equally common).
   */
  @Param({"mixed"})
  public String mix;

  /**
   * The ranking model beside MiniLM ({@code embedding.ranking_model}): {@code none}, or a local
   * model id ({@code bge-small-en-v1.5-q}, what {@code auto} gives).
   */
  @Param({"none", "bge-small-en-v1.5-q"})
  public String ranking;

  private List<String> queries;

  private MiniLmEmbedder embedder;
  private @Nullable Embedder ranker;
  private SemanticRouter router;
  private int next;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    embedder = new MiniLmEmbedder();
    next = 0;
    queries = Queries.of(mix);
    // embedOnly never touches the router: skip embedding 10,000 exemplars for it.
    if (params.getBenchmark().endsWith(".embedOnly")) {
      return;
    }
    long t0 = System.nanoTime();
    ranker =
        ranking.equals("none") ? null : new OnnxEmbedder(LocalModel.byId(ranking).orElseThrow());
    if (specialists == 5) {
      router =
          new SemanticRouter(
              embedder,
              ranker,
              SpecialistsYaml.defaults(),
              RoutingSettings.DEFAULT,
              ExemplarCache.NONE);
    } else {
      router =
          new SemanticRouter(
              embedder,
              ranker,
              synthetic(specialists),
              RoutingSettings.DEFAULT.withThreshold(SYNTHETIC_THRESHOLD),
              ExemplarCache.NONE);
    }
    System.out.printf(
        "%n[setup] %d specialists, threshold %.3f, built in %.1f s%n",
        router.specialists().size(), router.threshold(), (System.nanoTime() - t0) / 1e9);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    embedder.close();
    if (ranker != null) {
      ranker.close();
    }
  }

  private String nextQuery() {
    String q = queries.get(next);
    next = (next + 1) % queries.size();
    return q;
  }

  @Benchmark
  public float[] embedOnly() {
    return embedder.embed(nextQuery());
  }

  @Benchmark
  public RouteDecision route() {
    return router.route(nextQuery(), Map.of());
  }

  /**
   * {@code n} specialists, each a distinct (topic, facet) pair with its own words, 20 exemplars
   * each from varied templates. No description, so anchors = exemplars.
   */
  static List<SpecialistConfig> synthetic(int n) {
    List<String> topics = Vocabulary.TOPICS;
    List<String> facets = Vocabulary.FACETS;
    if (n > topics.size() * facets.size()) {
      throw new IllegalArgumentException("at most " + topics.size() * facets.size() + " specialists");
    }
    List<SpecialistConfig> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String topic = topics.get(i % topics.size());
      int f = i / topics.size();
      String facet = facets.get(f);
      List<String> exemplars = new ArrayList<>(EXEMPLARS_PER_SPECIALIST);
      for (int e = 0; e < EXEMPLARS_PER_SPECIALIST; e++) {
        exemplars.add(
            Vocabulary.TEMPLATES
                .get(e % Vocabulary.TEMPLATES.size())
                .formatted(facet, topic, Vocabulary.DETAILS.get((i + e) % Vocabulary.DETAILS.size())));
      }
      String name = (topic.replaceAll("[^a-z0-9]+", "-") + "-" + f);
      out.add(new SpecialistConfig(name, "", name, null, "", exemplars, null, 0.5, null));
    }
    return out;
  }
}
