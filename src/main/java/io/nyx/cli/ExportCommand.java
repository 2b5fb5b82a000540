package io.nyx.cli;

import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.export.ExportRequest;
import io.nyx.persistence.Database;
import io.nyx.persistence.JdbcTrainingExport;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code nyx export sft|preferences}: the stored requests as fine-tuning data (JSON lines), the
 * same as {@code GET /export/{kind}}, straight from the database.
 */
final class ExportCommand implements Command {
  private static final Set<String> VALUED =
      Set.of("since", "specialist", "min-reward", "min-gap", "out", "db-url", "data-dir", "config");
  private final InstantSource clock;

  ExportCommand(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "export";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx export sft|preferences [options]

          Writes answered requests as fine-tuning data, one JSON object per line, in the chat
          formats TRL, axolotl and the OpenAI fine-tuning API read:
            sft          {"messages":[system, user, assistant], "metadata":{...}} for every answer
                         whose stored reward (feedback blended in) is at least --min-reward
            preferences  {"prompt":[system, user], "chosen":[assistant], "rejected":[assistant],
                         "metadata":{...}}: for a query asked more than once of one specialist,
                         its best and worst answers when their rewards differ by --min-gap or more
          The prompt is what the adapter saw: its system prompt with the retrieved context.
          Prints the number of lines written to stderr.

          --since WHEN      ISO date, date-time or a duration back from now (default 30d)
          --specialist S    only this specialist's requests (default: all)
          --min-reward X    sft: lowest reward kept, in [-1, 1] (default 0.5)
          --min-gap G       preferences: smallest reward gap, in (0, 2] (default 0.5)
          --out FILE        write here instead of stdout
          --db-url URL      external PostgreSQL (env NYX_DB_URL; default: embedded, stop serve first)
          --data-dir DIR    data directory of the embedded database (env NYX_DATA_DIR)
          --config FILE     YAML configuration (env NYX_CONFIG)
        """;
  }

  @Override
  public int run(
      List<String> argv,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env) {
    Args args = Args.parse(argv, VALUED, Set.of());
    ExportRequest request = request(args);
    io.nyx.config.NyxConfig config = ConfigLoader.load(MemoryCommand.serveFlags(args), env);
    try (Database db = Nyx.openDatabase(config);
        OutputStream sink = sink(args, out)) {
      long n = new JdbcTrainingExport(db.dataSource()).write(request, sink);
      sink.flush();
      err.printf(Locale.ROOT, "%d %s lines%n", n, args.positionals().getFirst());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return 0;
  }

  private ExportRequest request(Args args) {
    if (args.positionals().size() != 1) {
      throw new UsageException("expected: export sft|preferences");
    }
    ExportRequest.Kind kind =
        switch (args.positionals().getFirst()) {
          case "sft" -> ExportRequest.Kind.SFT;
          case "preferences" -> ExportRequest.Kind.PREFERENCES;
          default ->
              throw new UsageException(
                  "unknown export '" + args.positionals().getFirst() + "'; use sft or preferences");
        };
    String since = args.flags().getOrDefault("since", "30d");
    double minReward = number(args, "min-reward", ExportRequest.DEFAULT_MIN_REWARD);
    double minGap = number(args, "min-gap", ExportRequest.DEFAULT_MIN_GAP);
    try {
      return new ExportRequest(
          kind,
          args.flags().get("specialist"),
          RewardsCommand.since(since, clock.instant()),
          minReward,
          minGap);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static double number(Args args, String name, double fallback) {
    String v = args.flags().get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v.strip());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number but was '" + v + "'");
    }
  }

  /** Stdout (left open) or the --out file. */
  private static OutputStream sink(Args args, PrintStream out) throws IOException {
    String file = args.flags().get("out");
    if (file == null) {
      return new BufferedOutputStream(
          new java.io.FilterOutputStream(out) {
            @Override
            public void close() throws IOException {
              flush(); // stdout belongs to the caller
            }
          });
    }
    return new BufferedOutputStream(Files.newOutputStream(Path.of(file)));
  }
}
