package io.nyx.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nyx.config.ConfigLoader;
import io.nyx.context.FactStore;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcFactStore;
import io.nyx.text.JsonText;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nyx facts import FILE.jsonl}: one {@code {"statement", "source", "confidence"}} per line.
 * Every line is checked before anything is written; statements already stored are skipped, so a
 * re-run continues an interrupted import.
 */
final class FactsCommand implements Command {
  static final Set<String> VALUED = Set.of("db-url", "data-dir", "config", "batch");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One validated line. */
  record Line(String statement, String source, double confidence) {}

  @Override
  public String name() {
    return "facts";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx facts import FILE.jsonl [options]

          One {"statement": "...", "source": "...", "confidence": 0.9} per line (source defaults to
          the file name, confidence to 1). Statements already stored are skipped.

          --batch N         statements checked and stored per batch (default 500)
        """
        + DatabaseFlags.USAGE;
  }

  @Override
  public int run(
      List<String> argv,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env) {
    Args args = Args.parse(argv, VALUED, Set.of());
    if (args.positionals().size() != 2 || !args.positionals().getFirst().equals("import")) {
      throw new UsageException("expected: facts import FILE.jsonl");
    }
    Path file = Path.of(args.positionals().get(1));
    int batch = MemoryCommand.positive(args, "batch", 500);
    List<Line> lines = read(file);
    try (Database db =
        DatabaseFlags.open(ConfigLoader.load(DatabaseFlags.of(args), env), "facts", err)) {
      FactStore facts = new JdbcFactStore(db.dataSource());
      ProgressBar bar = new ProgressBar(err, "facts");
      int stored = 0;
      for (int from = 0; from < lines.size(); from += batch) {
        stored += store(facts, lines.subList(from, Math.min(lines.size(), from + batch)));
        bar.show(Math.min(lines.size(), from + batch), lines.size(), "(" + stored + " new)");
      }
      bar.done();
      out.printf(
          "imported %s: %d facts, %d stored, %d already present%n",
          file, lines.size(), stored, lines.size() - stored);
    }
    return 0;
  }

  private static int store(FactStore facts, List<Line> batch) {
    Set<String> present = facts.existing(batch.stream().map(Line::statement).toList());
    int stored = 0;
    for (Line l : batch) {
      if (present.add(l.statement())) {
        facts.add(l.statement(), l.source(), l.confidence());
        stored++;
      }
    }
    return stored;
  }

  private static List<Line> read(Path file) {
    List<String> raw;
    try {
      raw = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      if (!raw.get(i).isBlank()) {
        lines.add(parse(raw.get(i), i + 1, file.getFileName().toString()));
      }
    }
    return lines;
  }

  private static Line parse(String text, int number, String fileName) {
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("line " + number + ": malformed JSON", e);
    }
    if (n == null || !n.path("statement").isTextual() || n.get("statement").asText().isBlank()) {
      throw new IllegalArgumentException(
          "line " + number + ": \"statement\" must be a non-empty string");
    }
    JsonText.defect(n)
        .ifPresent(
            f -> {
              throw new IllegalArgumentException("line " + number + ": " + f.describe());
            });
    double confidence = n.has("confidence") ? n.get("confidence").asDouble(Double.NaN) : 1.0;
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException(
          "line "
              + number
              + ": \"confidence\" must be a number in [0,1] but was "
              + n.get("confidence"));
    }
    String source = n.path("source").isTextual() ? n.get("source").asText() : fileName;
    return new Line(n.get("statement").asText().strip(), source, confidence);
  }
}
