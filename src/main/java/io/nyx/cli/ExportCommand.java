package io.nyx.cli;

import io.nyx.app.Embedders;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import io.nyx.export.Blend;
import io.nyx.export.ExportRequest;
import io.nyx.export.Format;
import io.nyx.export.Report;
import io.nyx.export.Split;
import io.nyx.export.TrainingExport;
import io.nyx.memory.Embedder;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcTrainingExport;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * {@code nyx export sft|preferences|kto}: the stored requests as fine-tuning data (JSON lines),
 * straight from the database; with {@code --out}, the parts and their manifest as files ({@link
 * ExportFiles}). {@code GET /export/{kind}} serves the same lines.
 */
final class ExportCommand implements Command {
  private static final Set<String> VALUED =
      Set.of(
          "since",
          "specialist",
          "tenant",
          "format",
          "min-reward",
          "max-reward",
          "min-gap",
          "val-share",
          "base-model",
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
        Usage: nyx export sft|preferences|kto [options]

          Writes answered requests as fine-tuning data, one JSON object per line. Failed requests,
          empty answers and answers the base model gave in place of a broken adapter are left
          out; a rater's correction (POST /feedback "correction") replaces the answer it corrects.
          Text is scrubbed (export.scrub: e-mail, phone, API keys, card numbers, secrets) and
          exact and near duplicates are left out (export.near_duplicate_threshold).
            sft          the chat the adapter saw plus the answer, for each correction and each
                         answer whose stored reward (feedback blended in) is --min-reward or more
            preferences  each correction over the answer it corrects; and per conversation
                         answered more than once by one specialist, its best over its worst
                         answer when their rewards differ by --min-gap or more
            kto          corrections and answers at --min-reward or more as desirable, corrected
                         answers and answers at --max-reward or less as undesirable
          --format trl      (default) TRL's conversational records plus a "metadata" key:
                              sft {"messages"}, preferences {"prompt","chosen","rejected"},
                              kto {"prompt","completion","label"}
          --format openai   only the keys OpenAI's fine-tuning API documents, no "metadata"
                              (not in its line schema): sft {"messages"}, preferences
                              {"input":{"messages"},"preferred_output","non_preferred_output"};
                              no kto

          --out FILE        write the training part to FILE, the validation part to STEM.val.jsonl
                            and the manifest (counts, reward histogram, filters, base model,
                            source adapters, scrub counts, what was left out and why, SHA-256 of
                            each file) to STEM.manifest.json (STEM: FILE without .jsonl); each
                            replaced only when the export is complete. Default: stdout, no manifest
          --val-share F     share of conversations for validation, in [0, 0.5] (default 0; needs
                            --out); decided by a hash of the conversation with --seed, so a
                            conversation is never on both sides and a rerun splits the same way
          --seed N          seed of the split and of drawing the --mix lines (default 0)
          --base-model M    the base model the adapters are trained on, for the manifest
                            (default: llm.base_model)
          --mix FILE        outside examples (JSON lines in the same kind and format) blended into
                            the training part, drawn without repetition so they make up
                            --mix-ratio of it (at most the whole file; nothing with an empty export)
          --mix-ratio R     share of the training part from --mix, in [0, 1) (default 0.2)
          Prints the number of lines written and what was left out to stderr.

          --since WHEN      ISO date, date-time or a duration back from now (default 30d)
          --specialist S    only this specialist's requests (default: all)
          --tenant T        only this tenant's requests (default: every tenant)
          --min-reward X    sft, kto: lowest reward kept (as desirable), in [-1, 1] (default 0.5)
          --max-reward X    kto: highest reward kept as undesirable, below --min-reward
                            (default 0)
          --min-gap G       preferences: smallest reward gap, in (0, 2] (default 0.5)
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
    String file = args.flags().get("out");
    if (file == null && request.valShare() > 0) {
      throw new UsageException("--val-share needs --out: the parts go to separate files");
    }
    Blend blend = blend(args, request); // checked before the database starts: bad input exits 2
    NyxConfig config = ConfigLoader.load(DatabaseFlags.of(args), env);
    String baseModel = args.flags().getOrDefault("base-model", config.llm().baseModel());
    try (Embedder embedder =
            config.export().nearDuplicates() ? Embedders.create(config.embedding()) : null;
        Database db = DatabaseFlags.open(config, "export", err)) {
      TrainingExport export =
          new JdbcTrainingExport(
              db.dataSource(),
              config.export(),
              embedder,
              baseModel.isBlank() ? null : baseModel.strip());
      if (file == null) {
        long n = toStdout(export, request, blend, args.flags().get("mix"), out, err);
        err.printf(Locale.ROOT, "%d %s lines%n", n, request.kind().label());
      } else {
        ExportFiles files = new ExportFiles(Path.of(file));
        ExportFiles.Written w =
            files.write(export, request, blend, args.flags().get("mix"), clock.instant());
        summary(w.report(), w.mixed(), args.flags().get("mix"), err);
        err.println("manifest: " + files.manifest());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return 0;
  }

  private static void summary(Report r, long mixed, @Nullable String mix, PrintStream err) {
    err.printf(Locale.ROOT, "%d %s lines", r.total() + mixed, r.request().kind().label());
    if (r.request().valShare() > 0) {
      err.printf(
          Locale.ROOT,
          " (%d train, %d validation)",
          r.lines().getOrDefault(Split.TRAIN, 0L) + mixed,
          r.lines().getOrDefault(Split.VALIDATION, 0L));
    }
    err.println();
    if (mix != null) {
      err.printf(Locale.ROOT, "%d of Nyx's lines, %d from %s%n", r.total(), mixed, mix);
    }
    err.println("left out: " + joined(r.dropped()));
    err.println("scrubbed: " + joined(r.scrubbed()));
  }

  private static String joined(Map<String, Long> counts) {
    StringJoiner j = new StringJoiner(", ");
    counts.forEach((k, v) -> j.add(k + " " + v));
    return j.toString();
  }

  /** The {@code --mix} file, checked line by line; null without one. */
  private static @Nullable Blend blend(Args args, ExportRequest request) {
    if (!args.has("mix")) {
      if (args.has("mix-ratio")) {
        throw new UsageException("--mix-ratio goes with --mix FILE");
      }
      return null;
    }
    try {
      return Blend.of(
          Path.of(args.flags().get("mix")),
          ExampleLines.of(request.kind(), request.format()),
          number(args, "mix-ratio", 0.2),
          request.seed());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--mix " + e.getMessage());
    } catch (IOException e) {
      throw new UsageException("--mix cannot be read: " + e.getMessage());
    }
  }

  /**
   * To stdout, left open, then the {@code --mix} share; a closed pipe ({@code | head}) ends it as a
   * failure, not a success.
   */
  private static long toStdout(
      TrainingExport export,
      ExportRequest r,
      @Nullable Blend blend,
      @Nullable String mix,
      PrintStream stdout,
      PrintStream err)
      throws IOException {
    BufferedOutputStream o = new BufferedOutputStream(stdout, 1 << 16);
    OutputStream checked =
        new java.io.FilterOutputStream(o) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            o.write(b, off, len);
            if (stdout.checkError()) {
              throw new IOException("standard output is closed");
            }
          }
        };
    long n = export.write(r, () -> checked);
    long mixed = blend == null ? 0 : blend.write(n, checked);
    o.flush();
    if (stdout.checkError()) {
      throw new IOException("standard output is closed");
    }
    if (blend != null) {
      err.printf(Locale.ROOT, "%d of Nyx's lines, %d from %s%n", n, mixed, mix);
    }
    return n + mixed;
  }

  private ExportRequest request(Args args) {
    if (args.positionals().size() != 1) {
      throw new UsageException("expected: export sft|preferences|kto");
    }
    ExportRequest.Kind kind =
        switch (args.positionals().getFirst()) {
          case "sft" -> ExportRequest.Kind.SFT;
          case "preferences" -> ExportRequest.Kind.PREFERENCES;
          case "kto" -> ExportRequest.Kind.KTO;
          default ->
              throw new UsageException(
                  "unknown export '"
                      + args.positionals().getFirst()
                      + "'; use sft, preferences or kto");
        };
    String f = args.flags().getOrDefault("format", "trl");
    Format format =
        Format.of(f)
            .orElseThrow(
                () -> new UsageException("--format must be trl or openai but was '" + f + "'"));
    if (!format.supports(kind)) {
      throw new UsageException(
          "--format " + f + " has no " + kind.label() + " lines (OpenAI has no KTO); use trl");
    }
    onlyFor(args, kind, "min-reward", ExportRequest.Kind.SFT, ExportRequest.Kind.KTO);
    onlyFor(args, kind, "max-reward", ExportRequest.Kind.KTO);
    onlyFor(args, kind, "min-gap", ExportRequest.Kind.PREFERENCES);
    double minReward = number(args, "min-reward", ExportRequest.DEFAULT_MIN_REWARD);
    double maxReward = number(args, "max-reward", ExportRequest.DEFAULT_MAX_REWARD);
    double minGap = number(args, "min-gap", ExportRequest.DEFAULT_MIN_GAP);
    double valShare = number(args, "val-share", 0);
    inRange("min-reward", minReward, -1, 1, "[-1, 1]");
    inRange("max-reward", maxReward, -1, 1, "[-1, 1]");
    if (kind == ExportRequest.Kind.KTO && !(maxReward < minReward)) {
      throw new UsageException(
          "--max-reward must be below --min-reward but was " + maxReward + " >= " + minReward);
    }
    if (!(minGap > 0 && minGap <= 2)) {
      throw new UsageException("--min-gap must be in (0, 2] but was " + minGap);
    }
    inRange("val-share", valShare, 0, ExportRequest.MAX_VAL_SHARE, "[0, 0.5]");
    return new ExportRequest(
        kind,
        format,
        args.flags().get("specialist"),
        RewardsCommand.since(args.flags().getOrDefault("since", "30d"), clock.instant()),
        minReward,
        minGap,
        maxReward,
        args.flags().get("tenant"),
        valShare,
        seed(args));
  }

  private static void onlyFor(
      Args args, ExportRequest.Kind kind, String flag, ExportRequest.Kind... kinds) {
    if (args.has(flag) && !List.of(kinds).contains(kind)) {
      throw new UsageException(
          "--"
              + flag
              + " is not for "
              + kind.label()
              + " exports (--min-reward: sft, kto;"
              + " --max-reward: kto; --min-gap: preferences)");
    }
  }

  private static void inRange(String flag, double v, double min, double max, String range) {
    if (!(v >= min && v <= max)) {
      throw new UsageException("--" + flag + " must be in " + range + " but was " + v);
    }
  }

  private static long seed(Args args) {
    String v = args.flags().getOrDefault("seed", "0");
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new UsageException("--seed must be an integer but was '" + v + "'");
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
}
