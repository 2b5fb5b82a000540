package io.nyx.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.app.Embedders;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import io.nyx.config.RiskCategoriesYaml;
import io.nyx.memory.Embedder;
import io.nyx.safety.EmbeddingRiskScreen;
import io.nyx.safety.RiskAssessment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code nyx screen}: JSON lines {@code {"id","text"}} in, Eleos's risk assessment of each out, in
 * order, with the configured categories and threshold ({@code context.safety_categories}, {@code
 * context.risk_threshold}) and the model the server's screen uses. For checking a categories file
 * on one's own traffic before deploying it: how much ordinary traffic it flags, and why. A bad line
 * yields {@code {"id", "error"}} and exit 1.
 */
final class ScreenCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "screen";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx screen [--config FILE] < texts.jsonl > assessments.jsonl

          --config FILE   YAML whose context section sets safety_categories and risk_threshold
                          (env NYX_CONFIG; default: the shipped categories, threshold 0.35)

        Input lines:  {"id": ..., "text": "..."}
        Output lines: {"id": ..., "risk": ..., "category": ..., "flagged": true|false,
                       "scores": {...}, "evidence": [...]}
        """;
  }

  @Override
  public int run(
      List<String> argv,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env) {
    Args args = Args.parse(argv, Set.of("config"), Set.of());
    if (!args.positionals().isEmpty()) {
      throw new UsageException("unexpected argument " + args.positionals().getFirst());
    }
    NyxConfig config = ConfigLoader.load(args.flags(), env);
    Optional<Embedder> own = Embedders.forRiskScreen(config.embedding());
    try (Embedder embedder = own.orElseGet(() -> Embedders.create(config.embedding()))) {
      EmbeddingRiskScreen screen =
          new EmbeddingRiskScreen(
              embedder,
              RiskCategoriesYaml.load(config.context().safetyCategories()),
              config.context().riskThreshold());
      return stream(
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), out, screen);
    }
  }

  private static int stream(BufferedReader in, PrintStream out, EmbeddingRiskScreen screen) {
    boolean failed = false;
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        ObjectNode o = RouteCommand.parse(line);
        if (o.has("error")) {
          failed = true;
          out.println(o);
          continue;
        }
        try {
          out.println(assessment(o, screen.screen(o.get("text").textValue())));
        } catch (RuntimeException e) { // the embedder failed on this text: say so, go on
          failed = true;
          ObjectNode error = JSON.createObjectNode();
          error.set("id", o.get("id"));
          error.put("error", "not screened: " + e.getMessage());
          out.println(error);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
    return failed ? 1 : 0;
  }

  /** The line's id, then the assessment as the stored row and the review queue have it. */
  private static ObjectNode assessment(ObjectNode line, RiskAssessment a) {
    ObjectNode o = JSON.createObjectNode();
    o.set("id", line.get("id"));
    o.setAll((ObjectNode) JSON.valueToTree(a.toMap()));
    return o;
  }
}
