package io.nyx.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.app.Embedders;
import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import io.nyx.evaluation.Labeled;
import io.nyx.evaluation.RouteReport;
import io.nyx.evaluation.RouteReportHtml;
import io.nyx.memory.CachingEmbedder;
import io.nyx.memory.Embedder;
import io.nyx.routing.PolicyRouter;
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

  @Override
  public String name() {
    return "eval-route";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx eval-route [--config FILE] --data LABELED.jsonl [--out report.html] [--master]
                              [--embedding-model ID] [--pooled-only]

          --config FILE   YAML with specialists and routing settings (default: the shipped five)
          --embedding-model ID
                          the embedding model (env NYX_EMBEDDING_MODEL; local: all-minilm-l6-v2-q
                          or bge-small-en-v1.5-q)
          --pooled-only   sentence vectors only, no token matching: what the same model gives
                          through a remote /v1/embeddings provider
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
    Args args =
        Args.parse(
            argv,
            Set.of("config", "data", "out", "embedding-model"),
            Set.of("master", "pooled-only"));
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
    flags.remove("pooled-only");
    NyxConfig config = RouteCommand.offline(ConfigLoader.load(flags, env), args.has("master"));
    if (args.has("pooled-only")) {
      config = RouteCommand.withRouting(config, config.routing().withTokenWeight(0));
    }
    List<Labeled> data = read(Path.of(args.flags().get("data")));
    try (Embedder embedder = Embedders.create(config.embedding())) {
      RouteReport report = evaluate(config, embedder, data);
      out.print(report.text());
      if (args.has("out")) {
        write(Path.of(args.flags().get("out")), RouteReportHtml.render(report));
        out.println("wrote " + args.flags().get("out"));
      }
    }
    return 0;
  }

  static RouteReport evaluate(NyxConfig config, Embedder inner, List<Labeled> data) {
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
    return RouteReport.measure(router, hybrid, centroid, weights, data);
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
}
