package io.nyx.cli;

import io.nyx.config.ConfigLoader;
import io.nyx.export.Since;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcRescoreStore;
import io.nyx.pipeline.RewardRecompute;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code nyx rewards recompute --since WHEN}: gives every row since then the reward the current
 * reward function makes of its stored inputs, keeping human feedback blended in as {@code
 * /feedback} did. Trait posteriors are not rebuilt (see {@link #usage()} for why).
 */
final class RewardsCommand implements Command {
  private static final Set<String> VALUED =
      Set.of("since", "batch", "db-url", "data-dir", "config");
  private final InstantSource clock;

  RewardsCommand(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "rewards";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx rewards recompute --since WHEN [options]

          Recomputes the stored reward of every request since WHEN with the current reward
          function, from the inputs stored with the row (confidence, finish reason, latency and
          its budget, safety and grounding checks); rows people rated keep their ratings blended
          in (0.3·automatic + 0.7·rating, in order). Prints rows, changed, mean old -> new.

          Trait posteriors are left alone: evidence fades with traits.half_life_s (5 minutes by
          default), so old rewards barely weigh on them, and replaying would have to re-run
          operator steering and race live replicas. New answers teach with the new function.

          --since WHEN      ISO date (2026-05-01, UTC), date-time (2026-05-01T10:00:00Z) or a
                            duration back from now (7d, 12h, 30m, 90s, P7D)
          --dry-run         compute and report, write nothing
          --batch N         rows per transaction (default 1000)
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
    Args args = Args.parse(argv, VALUED, Set.of("dry-run"));
    if (args.positionals().size() != 1 || !args.positionals().getFirst().equals("recompute")) {
      throw new UsageException("expected: rewards recompute --since WHEN");
    }
    if (!args.has("since")) {
      throw new UsageException("--since is required");
    }
    Instant since = since(args.value("since"), clock.instant());
    int batch = MemoryCommand.positive(args, "batch", 1000);
    boolean write = !args.has("dry-run");
    io.nyx.config.NyxConfig config = ConfigLoader.load(DatabaseFlags.of(args), env);
    try (Database db = DatabaseFlags.open(config, "rewards", err)) {
      // Progress only while more pages may follow (a page came back full), and worded as such:
      // the totals are printed once, in the summary.
      boolean[] shown = {false};
      RewardRecompute.Summary s =
          new RewardRecompute(new JdbcRescoreStore(db.dataSource()), config.rewardFunctions())
              .run(
                  since,
                  batch,
                  write,
                  p -> {
                    if (p.rows() > 0 && p.rows() % batch == 0) {
                      err.printf("\rrecomputing: %d rows so far...", p.rows());
                      shown[0] = true;
                    }
                  });
      if (shown[0]) {
        err.println();
      }
      out.println(summary(since, s, write));
    }
    return 0;
  }

  /** {@code --since} parsed, or a usage error saying what it accepts. */
  static Instant since(String text, Instant now) {
    try {
      return Since.parse(text, now);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--since " + e.getMessage());
    }
  }

  static String summary(Instant since, RewardRecompute.Summary s, boolean write) {
    return String.format(
        Locale.ROOT,
        "rewards since %s: %d rows, %d changed (%d rated), mean reward %.4f -> %.4f; %s",
        since,
        s.rows(),
        s.changed(),
        s.rated(),
        s.meanOld(),
        s.meanNew(),
        write ? s.written() + " rows written" : "dry run, nothing written");
  }
}
