package io.nyx.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.api.RouteJson;
import io.nyx.app.Embedders;
import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import io.nyx.memory.Embedder;
import io.nyx.routing.PolicyRouter;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.RoutingMode;
import io.nyx.routing.RoutingSettings;
import io.nyx.specialist.SpecialistConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nyx route}: JSON lines {@code {"id","text"}} in, one decision per line out, in order. No
 * server, database or model call: trait weights are the configured initial weights. Lines are
 * routed in batches so embedding is batched. A bad line yields {@code {"id", "error"}} and exit 1.
 */
final class RouteCommand implements Command {
  static final int BATCH = 64;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "route";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx route [--config FILE] [--embedding-model ID] [--ranking-model ID]
                         < queries.jsonl > decisions.jsonl

          --config FILE   YAML with a specialists list (env NYX_CONFIG; default: the shipped five)
          --embedding-model ID
                          the embedding model (env NYX_EMBEDDING_MODEL)
          --ranking-model ID
                          the model that orders the specialists that fit and is asked before
                          abstaining (env NYX_RANKING_MODEL; auto: bge-small-en-v1.5-q
                          beside the in-process MiniLM; none)
          --master        ask the master model as routing.mode says (default: semantic only,
                          no model call)

        Input lines:  {"id": ..., "text": "..."}
        Output lines: {"id": ..., "specialist": name|null, "confidence": 0..1, "method": ...,
                       "scores": {...}, "margin": ..., "fit": ..., "abstain_reason": ...,
                       "master": {...}}
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
        Args.parse(argv, Set.of("config", "embedding-model", "ranking-model"), Set.of("master"));
    if (!args.positionals().isEmpty()) {
      throw new UsageException("unexpected argument " + args.positionals().getFirst());
    }
    Map<String, String> flags = new HashMap<>(args.flags());
    NyxConfig config = offline(ConfigLoader.load(flags, env), args.has("master"));
    Map<String, Double> weights = new HashMap<>();
    for (SpecialistConfig s : config.specialists()) {
      weights.put(s.name(), s.initialWeight());
    }
    try (Embedder embedder = Embedders.create(config.embedding())) {
      PolicyRouter router = Nyx.router(config, embedder);
      return stream(
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)),
          out,
          router,
          weights);
    }
  }

  /** Without --master the route command never calls a model: mode semantic, pins kept. */
  static NyxConfig offline(NyxConfig c, boolean master) {
    if (master) {
      return c;
    }
    return withRouting(c, c.routing().withMode(RoutingMode.SEMANTIC));
  }

  /** {@code c} with other routing settings. */
  static NyxConfig withRouting(NyxConfig c, RoutingSettings semantic) {
    return new NyxConfig(
        c.server(),
        c.llm(),
        c.db(),
        c.dataDir(),
        c.embedding(),
        semantic,
        c.traits(),
        c.context(),
        c.security(),
        c.specialists(),
        c.rewards(),
        c.adapters(),
        c.export(),
        c.tracing());
  }

  private static int stream(
      BufferedReader in, PrintStream out, PolicyRouter router, Map<String, Double> weights) {
    List<ObjectNode> batch = new ArrayList<>();
    boolean failed = false;
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        batch.add(parse(line));
        if (batch.size() == BATCH) {
          failed |= flush(batch, out, router, weights);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    failed |= flush(batch, out, router, weights);
    return failed ? 1 : 0;
  }

  /** A parsed line, or {@code {"id", "error"}} when it is not a valid query line. */
  static ObjectNode parse(String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      return JSON.createObjectNode().putNull("id").put("error", "malformed JSON line");
    }
    ObjectNode o = JSON.createObjectNode();
    o.set("id", node.path("id").isMissingNode() ? null : node.get("id"));
    JsonNode text = node.get("text");
    if (text == null || !text.isTextual() || text.textValue().isBlank()) {
      o.put("error", "'text' is required and must be a non-empty string");
    } else {
      o.put("text", text.textValue());
    }
    return o;
  }

  private static boolean flush(
      List<ObjectNode> batch, PrintStream out, PolicyRouter router, Map<String, Double> weights) {
    List<ObjectNode> ok = batch.stream().filter(o -> !o.has("error")).toList();
    List<RouteDecision> decisions =
        router.routeAll(ok.stream().map(o -> o.get("text").textValue()).toList(), weights);
    boolean failed = ok.size() < batch.size();
    int next = 0;
    for (ObjectNode line : batch) {
      if (line.has("error")) {
        out.println(line);
      } else {
        out.println(decision(line.get("id"), decisions.get(next++)));
      }
    }
    out.flush();
    batch.clear();
    return failed;
  }

  private static ObjectNode decision(JsonNode id, RouteDecision d) {
    ObjectNode o = JSON.createObjectNode();
    o.set("id", id);
    o.put("specialist", d.specialist().orElse(null));
    o.setAll(RouteJson.of(d));
    return o;
  }
}
