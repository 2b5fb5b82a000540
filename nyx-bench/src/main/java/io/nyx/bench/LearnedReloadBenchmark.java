package io.nyx.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.config.SpecialistsYaml;
import io.nyx.memory.Embedder;
import io.nyx.memory.LocalModel;
import io.nyx.memory.MiniLmEmbedder;
import io.nyx.memory.OnnxEmbedder;
import io.nyx.routing.ExemplarCache;
import io.nyx.routing.RoutingSettings;
import io.nyx.routing.SemanticRouter;
import io.nyx.routing.SemanticRouter.LearnedText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
import org.jspecify.annotations.Nullable;

/**
 * What a learned exemplar costs the feedback request that teaches it: {@link
 * SemanticRouter#useLearned}, the reload every replica runs when the learned set changes, with the
 * exemplar cache warm (as in a server, where only the new text is embedded). {@code threshold=auto}
 * also scores the newest learned exemplars as they came to calibrate the abstention threshold;
 * {@code fixed} is the reload alone. {@code ranking} adds the ranking model's router, which reloads
 * the same learned exemplars and calibrates its own threshold on them (docs/routing.md, "The
 * second opinion before abstaining"). The learned set is the in-scope queries of the set's tune
 * split (400 on the 100 intents, 931 on Banking77); run from the repository root, which holds
 * {@code src/test/resources/routing}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--enable-native-access=ALL-UNNAMED",
      "--add-modules=jdk.incubator.vector", // as the nyx launcher runs it
      "-Xmx2g"
    })
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Threads(1)
public class LearnedReloadBenchmark {
  private static final Path SETS = Path.of("src/test/resources/routing");

  @Param({"hundred-intents", "banking77"})
  public String set;

  @Param({"auto", "fixed"})
  public String threshold;

  /** The ranking model ({@code embedding.ranking_model}): {@code none}, or a local model id. */
  @Param({"none", "bge-small-en-v1.5-q"})
  public String ranking;

  private MiniLmEmbedder embedder;
  private @Nullable Embedder ranker;
  private SemanticRouter router;
  private List<LearnedText> learned;

  @Setup
  public void setUp() throws IOException {
    embedder = new MiniLmEmbedder();
    RoutingSettings settings =
        threshold.equals("auto")
            ? RoutingSettings.DEFAULT
            : RoutingSettings.DEFAULT.withThreshold(0.3);
    ranker =
        ranking.equals("none") ? null : new OnnxEmbedder(LocalModel.byId(ranking).orElseThrow());
    router =
        new SemanticRouter(
            embedder,
            ranker,
            SpecialistsYaml.parse(Files.readString(SETS.resolve(set + ".yaml"))),
            settings,
            ExemplarCache.inMemory());
    learned = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(SETS.resolve(set + "-tune.jsonl"))) {
      JsonNode n = json.readTree(line);
      if (!n.get("label").asText().equals("none")) {
        learned.add(new LearnedText(n.get("label").asText(), n.get("text").asText()));
      }
    }
    router.useLearned(learned); // embeds them once, into the cache
  }

  @TearDown
  public void tearDown() {
    embedder.close();
    if (ranker != null) {
      ranker.close();
    }
  }

  @Benchmark
  public double reload() {
    router.useLearned(learned);
    return router.threshold();
  }
}
