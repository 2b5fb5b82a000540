package io.nyx.cli;

import io.nyx.config.ConfigLoader;
import io.nyx.export.Blend;
import io.nyx.export.ExportRequest;
import io.nyx.export.TrainingExport;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcTrainingExport;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code nyx export sft|preferences}: the stored requests as fine-tuning data (JSON lines), the
 * same as {@code GET /export/{kind}}, straight from the database.
 */
final class ExportCommand implements Command {
  private static final Set<String> VALUED =
      Set.of(
          "since",
          "specialist",
          "tenant",
          "min-reward",
          "min-gap",
          "mix",
          "mix-ratio",
          "seed",
          "out",
          "db-url",
          "data-dir",
          "config");
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
          formats TRL and axolotl read (SFT lines are OpenAI's chat format plus "metadata"):
            sft          {"messages":[system, ...turns, assistant], "metadata":{...}} for every
                         answer whose stored reward (feedback blended in) is at least --min-reward;
                         the chat is what the adapter saw, retrieved context included
            preferences  {"prompt":[system, ...turns], "chosen":[assistant], "rejected":[assistant],
                         "metadata":{...}}: for a conversation answered more than once by one
                         specialist, its best and worst answers when their rewards differ by
                         --min-gap or more (the prompt is the chosen answer's)
          --out replaces FILE only when the export is complete.

          --mix FILE        outside examples (JSON lines in the same format) to blend in, drawn
                            without repetition so they make up --mix-ratio of the output (at
                            most the whole file; nothing with an empty export)
          --mix-ratio R     share of the output from --mix, in [0, 1) (default 0.2)
          --seed N          seed for drawing the --mix lines (default 0)
          Prints the number of lines written to stderr.

          --since WHEN      ISO date, date-time or a duration back from now (default 30d)
          --specialist S    only this specialist's requests (default: all)
          --tenant T        only this tenant's requests (default: every tenant)
          --min-reward X    sft: lowest reward kept, in [-1, 1] (default 0.5)
          --min-gap G       preferences: smallest reward gap, in (0, 2] (default 0.5)
          --out FILE        write here instead of stdout
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
    ExportRequest request = request(args);
    Blend blend = blend(args, request); // checked before the database starts: bad input exits 2
    io.nyx.config.NyxConfig config = ConfigLoader.load(DatabaseFlags.of(args), env);
    String file = args.flags().get("out");
    try (Database db = DatabaseFlags.open(config, "export", err)) {
      TrainingExport own = new JdbcTrainingExport(db.dataSource());
      TrainingExport export = blend == null ? own : blended(own, blend, args.value("mix"), err);
      long n =
          file == null ? toStdout(export, request, out) : toFile(export, request, Path.of(file));
      err.printf(Locale.ROOT, "%d %s lines%n", n, args.positionals().getFirst());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return 0;
  }

  /** The {@code --mix} file, checked line by line; null without one. */
  private static @Nullable Blend blend(Args args, ExportRequest request) {
    if (!args.has("mix")) {
      if (args.has("mix-ratio") || args.has("seed")) {
        throw new UsageException("--mix-ratio and --seed go with --mix FILE");
      }
      return null;
    }
    long seed;
    try {
      seed = Long.parseLong(args.flags().getOrDefault("seed", "0").strip());
    } catch (NumberFormatException e) {
      throw new UsageException(
          "--seed must be an integer but was '" + args.flags().get("seed") + "'");
    }
    try {
      return Blend.of(
          Path.of(args.flags().get("mix")),
          ExampleLines.of(request.kind()),
          number(args, "mix-ratio", 0.2),
          seed);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--mix " + e.getMessage());
    } catch (IOException e) {
      throw new UsageException("--mix cannot be read: " + e.getMessage());
    }
  }

  /** Nyx's own lines, then the {@code --mix} file's share ({@link Blend}). */
  private static TrainingExport blended(
      TrainingExport own, Blend blend, String mix, PrintStream err) {
    return (r, sink) -> {
      OutputStream[] opened = {null};
      long n =
          own.write(
              r,
              () -> {
                opened[0] = sink.open();
                return opened[0];
              });
      long mixed = blend.write(n, opened[0]);
      err.printf(Locale.ROOT, "%d of Nyx's lines, %d from %s%n", n, mixed, mix);
      return n + mixed;
    };
  }

  /** Into a temporary file beside {@code target}, moved over it only when the export is whole. */
  private static long toFile(TrainingExport export, ExportRequest r, Path target)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
    try {
      readableLikeAPlainFile(tmp, target);
      long n;
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp))) {
        n = export.write(r, () -> o);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return n;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * A temporary file is private (0600); the export replaces or becomes an ordinary file, so it
   * takes the old file's permissions, or rw-r--r--, for a training job running as another user.
   */
  private static void readableLikeAPlainFile(Path tmp, Path target) throws IOException {
    if (!tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Files.setPosixFilePermissions(
        tmp,
        Files.exists(target)
            ? Files.getPosixFilePermissions(target)
            : PosixFilePermissions.fromString("rw-r--r--"));
  }

  /** To stdout, left open; a closed pipe ({@code | head}) ends it as a failure, not a success. */
  private static long toStdout(TrainingExport export, ExportRequest r, PrintStream stdout)
      throws IOException {
    BufferedOutputStream o = new BufferedOutputStream(stdout, 1 << 16);
    long n =
        export.write(
            r,
            () ->
                new java.io.FilterOutputStream(o) {
                  @Override
                  public void write(byte[] b, int off, int len) throws IOException {
                    o.write(b, off, len);
                    if (stdout.checkError()) {
                      throw new IOException("standard output is closed");
                    }
                  }
                });
    o.flush();
    if (stdout.checkError()) {
      throw new IOException("standard output is closed");
    }
    return n;
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
    if (!(minReward >= -1 && minReward <= 1)) {
      throw new UsageException("--min-reward must be in [-1, 1] but was " + minReward);
    }
    if (!(minGap > 0 && minGap <= 2)) {
      throw new UsageException("--min-gap must be in (0, 2] but was " + minGap);
    }
    if (kind == ExportRequest.Kind.SFT && args.has("min-gap")
        || kind == ExportRequest.Kind.PREFERENCES && args.has("min-reward")) {
      throw new UsageException("--min-reward is for sft, --min-gap for preferences");
    }
    return new ExportRequest(
        kind,
        args.flags().get("specialist"),
        RewardsCommand.since(since, clock.instant()),
        minReward,
        minGap,
        args.flags().get("tenant"));
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
}
