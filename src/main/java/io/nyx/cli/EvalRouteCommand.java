package io.nyx.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.app.Embedders;
import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import io.nyx.memory.CachingEmbedder;
import io.nyx.memory.Embedder;
import io.nyx.routing.PolicyRouter;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.RouteEvaluation;
import io.nyx.routing.SemanticRouter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code nyx eval-route}: routes a labeled JSON-lines file ({@code {"text", "label"}}, label a
 * specialist name or "none" for out of scope) one query at a time and prints accuracy, macro-F1,
 * abstention precision/recall, the wrongly-abstained rate, latency percentiles, the per-specialist
 * confusion and, for comparison, the in-scope top-1 accuracy of cosine to the exemplar centroid
 * (the baseline) and of the router's own scores, both without abstention.
 */
final class EvalRouteCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WARMUP = 20;

  record Labeled(String text, String label) {}

  @Override
  public String name() {
    return "eval-route";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx eval-route [--config FILE] --data LABELED.jsonl [--out report.html] [--master]

          --config FILE   YAML with specialists and routing settings (default: the shipped five)
          --data FILE     JSON lines {"text": ..., "label": specialist name or "none"}
          --out FILE      also write a self-contained HTML report with the confusion matrix
          --master        ask the master model as routing.mode says (default: semantic only)
        """;
  }

  @Override
  public int run(
      List<String> argv,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env) {
    Args args = Args.parse(argv, Set.of("config", "data", "out"), Set.of("master"));
    if (!args.positionals().isEmpty()) {
      throw new UsageException("unexpected argument " + args.positionals().getFirst());
    }
    if (!args.has("data")) {
      throw new UsageException("--data is required");
    }
    Map<String, String> flags = new HashMap<>(args.flags());
    flags.remove("data");
    flags.remove("out");
    flags.remove("master");
    NyxConfig config = RouteCommand.offline(ConfigLoader.load(flags, env), args.has("master"));
    List<Labeled> data = read(Path.of(args.flags().get("data")));
    try (Embedder embedder = Embedders.create(config.embedding())) {
      Report report = evaluate(config, embedder, data);
      out.print(report.text());
      if (args.has("out")) {
        write(Path.of(args.flags().get("out")), EvalReportHtml.render(report));
        out.println("wrote " + args.flags().get("out"));
      }
    }
    return 0;
  }

  /** The figures plus the baselines, ready to print. */
  record Report(
      RouteEvaluation eval,
      double threshold,
      double routerTop1,
      double centroidTop1,
      Escalations escalations) {
    String text() {
      RouteEvaluation e = eval;
      StringBuilder b = new StringBuilder();
      b.append(
          f(
              "queries %d (in scope %d, out of scope %d), threshold %.3f%n",
              e.total(), e.inScope(), e.outOfScope(), threshold));
      b.append(f("accuracy           %.3f  (none counts as a class)%n", e.accuracy()));
      b.append(f("in-scope accuracy  %.3f  (abstaining counts as wrong)%n", e.inScopeAccuracy()));
      b.append(f("macro-F1           %.3f%n", e.macroF1()));
      b.append(f("abstain precision  %.3f%n", e.abstainPrecision()));
      b.append(f("abstain recall     %.3f  (out-of-scope recall)%n", e.abstainRecall()));
      b.append(f("wrongly abstained  %.3f  (of in-scope queries)%n", e.wronglyAbstained()));
      b.append(f("top-1 in scope     %.3f  router scores, no abstention%n", routerTop1));
      b.append(f("baseline top-1     %.3f  cosine to exemplar centroid%n", centroidTop1));
      b.append(
          f("latency ms         p50 %.2f  p90 %.2f  p99 %.2f%n", e.p50Ms(), e.p90Ms(), e.p99Ms()));
      Escalations x = escalations;
      b.append(
          f(
              "hybrid would ask   %.3f of queries (close race %.3f, near threshold %.3f); %.2f of"
                  + " those decided wrong here%n",
              x.share(), x.closeRace(), x.nearThreshold(), x.wrongShare()));
      b.append("confusion (row = label, columns = predictions with counts):\n");
      for (int l = 0; l < e.classes().size(); l++) {
        b.append("  ").append(e.classes().get(l)).append(':');
        for (int p = 0; p < e.classes().size(); p++) {
          if (e.confusion()[l][p] > 0) {
            b.append(' ').append(e.classes().get(p)).append('=').append(e.confusion()[l][p]);
          }
        }
        b.append('\n');
      }
      return b.toString();
    }
  }

  static Report evaluate(NyxConfig config, Embedder inner, List<Labeled> data) {
    // Each text is embedded once: the timed route misses, the hybrid and baseline decisions on the
    // same text right after it hit. Two entries suffice; the warm-up's are gone by the timed loop.
    Embedder embedder = new CachingEmbedder(inner, 2);
    PolicyRouter router = Nyx.router(config, embedder);
    PolicyRouter hybrid =
        new PolicyRouter(
            router.semantic(),
            io.nyx.routing.Master.UNAVAILABLE,
            config.routing().withMode(io.nyx.routing.RoutingMode.HYBRID));
    SemanticRouter centroid =
        new SemanticRouter(
            embedder,
            config.specialists(),
            config
                .routing()
                .withTopK(1)
                .withCentroidWeight(1)
                .withTokenWeight(0)
                .withThreshold(0.01));
    Map<String, Double> weights = new HashMap<>();
    config.specialists().forEach(s -> weights.put(s.name(), s.initialWeight()));
    List<String> texts = data.stream().map(Labeled::text).toList();
    List<String> labels = data.stream().map(Labeled::label).toList();
    texts.stream().limit(WARMUP).forEach(t -> router.route(t, weights));
    List<String> predictions = new ArrayList<>();
    List<String> routerTop = new ArrayList<>();
    List<String> centroidTop = new ArrayList<>();
    Escalations.Tally escalations = new Escalations.Tally();
    long[] latencies = new long[texts.size()];
    for (int i = 0; i < texts.size(); i++) {
      long t0 = System.nanoTime();
      RouteDecision d = router.route(texts.get(i), weights);
      latencies[i] = System.nanoTime() - t0;
      predictions.add(d.specialist().orElse(RouteEvaluation.NONE));
      routerTop.add(d.scores().keySet().iterator().next());
      escalations.add(hybrid.route(texts.get(i), weights), labels.get(i));
      centroidTop.add(centroid.route(texts.get(i), weights).scores().keySet().iterator().next());
    }
    return new Report(
        RouteEvaluation.of(labels, predictions, latencies),
        router.semantic().threshold(),
        top1(labels, routerTop),
        top1(labels, centroidTop),
        escalations.result());
  }

  /**
   * Which queries hybrid mode would ask the master about, and how many of those the semantic
   * decision got wrong: the most a master could fix, at the cost of one call per asked query. Found
   * by routing in hybrid mode against a master that fails without I/O (the decision stays semantic,
   * the trigger is recorded).
   */
  record Escalations(double closeRace, double nearThreshold, double wrongShare) {
    double share() {
      return closeRace + nearThreshold;
    }

    /** Counts hybrid decisions one by one. */
    static final class Tally {
      private int all;
      private int race;
      private int near;
      private int wrong;

      void add(RouteDecision hybrid, String label) {
        String trigger = hybrid.master().trigger();
        all++;
        race += trigger.equals("close_race") ? 1 : 0;
        near += trigger.equals("near_threshold") ? 1 : 0;
        // The decision a failed ask leaves is the semantic one, whatever --master did above.
        String semantic = hybrid.specialist().orElse(RouteEvaluation.NONE);
        wrong += !trigger.isEmpty() && !label.equals(semantic) ? 1 : 0;
      }

      Escalations result() {
        double n = Math.max(1, all);
        int asked = race + near;
        return new Escalations(race / n, near / n, asked == 0 ? 0 : (double) wrong / asked);
      }
    }
  }

  private static double top1(List<String> labels, List<String> predicted) {
    int n = 0;
    int ok = 0;
    for (int i = 0; i < labels.size(); i++) {
      if (!labels.get(i).equals(RouteEvaluation.NONE)) {
        n++;
        ok += labels.get(i).equals(predicted.get(i)) ? 1 : 0;
      }
    }
    return n == 0 ? 0 : (double) ok / n;
  }

  static List<Labeled> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<Labeled> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        out.add(parse(file, i + 1, lines.get(i)));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " has no labeled lines");
    }
    return out;
  }

  private static Labeled parse(Path file, int lineNo, String line) {
    try {
      JsonNode n = JSON.readTree(line);
      JsonNode text = n.get("text");
      JsonNode label = n.get("label");
      if (text != null && text.isTextual() && label != null && label.isTextual()) {
        return new Labeled(text.textValue(), label.textValue());
      }
    } catch (IOException e) {
      // reported below with the line number
    }
    throw new IllegalArgumentException(
        file + ":" + lineNo + ": expected {\"text\": string, \"label\": string}");
  }

  private static void write(Path file, String html) {
    try {
      Files.writeString(file, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
