package io.nyx.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.app.Embedders;
import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import io.nyx.evaluation.ConversationReplay;
import io.nyx.evaluation.ExemplarCurve;
import io.nyx.evaluation.Labeled;
import io.nyx.evaluation.RouteReport;
import io.nyx.evaluation.RouteReportHtml;
import io.nyx.memory.CachingEmbedder;
import io.nyx.memory.Embedder;
import io.nyx.routing.ExemplarCache;
import io.nyx.routing.ExemplarLearning;
import io.nyx.routing.FollowUps;
import io.nyx.routing.MemoryLearnedExemplarStore;
import io.nyx.routing.PolicyRouter;
import io.nyx.routing.SemanticRouter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

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
                              [--embedding-model ID] [--ranking-model ID] [--pooled-only]

          --config FILE   YAML with specialists and routing settings (default: the shipped five)
          --embedding-model ID
                          the embedding model (env NYX_EMBEDDING_MODEL; local: all-minilm-l6-v2-q
                          or bge-small-en-v1.5-q)
          --ranking-model ID
                          the model that orders the specialists that fit and is asked before
                          abstaining (env NYX_RANKING_MODEL; auto: bge-small-en-v1.5-q
                          beside the in-process MiniLM; none)
          --pooled-only   sentence vectors only, no token matching: what the same model gives
                          through a remote /v1/embeddings provider
          --learn-from STREAM.jsonl
                          instead of the report, the learned-exemplar curve: replay STREAM's
                          in-scope queries, each followed by good feedback (routed right) or a
                          correction (routed wrong), and score --data every --every events
          --events N, --every K, --seed S   (defaults 600, 100, 7)
          --conversations instead of the report, conversation routing: --data holds one
                          dialogue a line ({"id", "turns": [{"text", "label"}...]}); accuracy on
                          user turns that keep the previous turn's label and on turns that switch,
                          for follow-up routing (--switch-margin M, default 0.1; --topic-margin M,
                          default 0.1) against routing the last message alone; dialogues of even
                          index and odd index apart
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
            Set.of(
                "config",
                "data",
                "out",
                "embedding-model",
                "ranking-model",
                "learn-from",
                "events",
                "every",
                "seed",
                "switch-margin",
                "topic-margin"),
            Set.of("master", "pooled-only", "conversations"));
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
    for (String f :
        List.of(
            "learn-from",
            "events",
            "every",
            "seed",
            "switch-margin",
            "topic-margin",
            "conversations")) {
      flags.remove(f);
    }
    NyxConfig config = RouteCommand.offline(ConfigLoader.load(flags, env), args.has("master"));
    if (args.has("pooled-only")) {
      config = RouteCommand.withRouting(config, config.routing().withTokenWeight(0));
    }
    List<Labeled> data =
        args.has("conversations") ? List.of() : read(Path.of(args.flags().get("data")));
    if (args.has("conversations")) {
      try (Embedder embedder = Embedders.create(config.embedding())) {
        out.print(conversations(config, embedder, Path.of(args.flags().get("data")), args));
      }
      return 0;
    }
    if (args.has("learn-from")) {
      List<Labeled> stream = read(Path.of(args.flags().get("learn-from")));
      try (Embedder embedder = Embedders.create(config.embedding())) {
        out.print(ExemplarCurve.text(curve(config, embedder, stream, data, args)));
      }
      return 0;
    }
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

  private static List<ExemplarCurve.Point> curve(
      NyxConfig config, Embedder inner, List<Labeled> stream, List<Labeled> data, Args args) {
    // Each exemplar embedded once, though the learned ones are reloaded after every lesson.
    SemanticRouter router =
        replayed(config, new CachingEmbedder(inner, 20_000), ExemplarCache.inMemory());
    ExemplarLearning learning =
        new ExemplarLearning(
            router,
            new MemoryLearnedExemplarStore(InstantSource.system()),
            ExemplarLearning.Settings.DEFAULT);
    return ExemplarCurve.replay(
        router,
        learning,
        stream,
        data,
        positive(args, "events", 600),
        positive(args, "every", 100),
        new SplittableRandom(positive(args, "seed", 7)));
  }

  /** The semantic router a replay runs: the configured one, ranking model included. */
  private static SemanticRouter replayed(NyxConfig config, Embedder embedder, ExemplarCache cache) {
    return new SemanticRouter(
        embedder, Nyx.ranker(config, embedder), config.specialists(), config.routing(), cache);
  }

  private static String conversations(NyxConfig config, Embedder inner, Path file, Args args) {
    SemanticRouter router =
        replayed(config, new CachingEmbedder(inner, 50_000), ExemplarCache.NONE);
    FollowUps followUps =
        new FollowUps(
            router,
            margin(args, "switch-margin", FollowUps.DEFAULT_SWITCH_MARGIN),
            margin(args, "topic-margin", FollowUps.DEFAULT_TOPIC_MARGIN));
    List<ConversationReplay.Dialogue> dialogues = dialogues(file);
    StringBuilder b = new StringBuilder();
    for (int half = 0; half < 2; half++) {
      List<ConversationReplay.Dialogue> part = new ArrayList<>();
      for (int i = half; i < dialogues.size(); i += 2) {
        part.add(dialogues.get(i));
      }
      b.append(half == 0 ? "even dialogues (tune)\n" : "odd dialogues (report)\n");
      b.append(ConversationReplay.replay(router, followUps, part).text());
    }
    return b.toString();
  }

  private static double margin(Args args, String flag, double fallback) {
    String v = args.flags().get(flag);
    try {
      double m = v == null ? fallback : Double.parseDouble(v);
      if (m >= 0 && m <= 1) {
        return m;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--" + flag + " must be a number in [0,1] but was " + v);
  }

  private static int positive(Args args, String flag, int fallback) {
    String v = args.flags().get(flag);
    try {
      int n = v == null ? fallback : Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--" + flag + " must be a positive integer but was " + v);
  }

  /** One dialogue a line: {@code {"id": ..., "turns": [{"text": ..., "label": ...}, ...]}}. */
  static List<ConversationReplay.Dialogue> dialogues(Path file) {
    ObjectMapper json = new ObjectMapper();
    List<ConversationReplay.Dialogue> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = json.readTree(line);
        List<Labeled> turns = new ArrayList<>();
        n.get("turns")
            .forEach(t -> turns.add(new Labeled(t.get("text").asText(), t.get("label").asText())));
        out.add(new ConversationReplay.Dialogue(n.get("id").asText(), turns));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
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
