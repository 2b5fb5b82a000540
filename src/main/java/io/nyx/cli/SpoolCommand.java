package io.nyx.cli;

import io.nyx.config.ConfigLoader;
import io.nyx.persistence.durable.DeadLetter;
import io.nyx.persistence.durable.DeadLetters;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nyx spool dead-letters|redrive}: the writes the database refused for good, which the
 * spools set aside in {@code DATA_DIR/spool/*.spool.dead} so they could not block the writes behind
 * them. List them; once the cause is fixed (a constraint, a Nyx upgrade), put them back in their
 * spools for the next start to replay.
 */
final class SpoolCommand implements Command {
  static final Set<String> VALUED = Set.of("data-dir", "config");

  /** Longest frame shown per dead letter; the rest is cut with a note. */
  static final int SHOWN_CHARS = 2_000;

  @Override
  public String name() {
    return "spool";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx spool dead-letters|redrive [options]

          dead-letters  lists the writes the database refused for good (spool, time, id, SQLSTATE,
                        error, the write as spooled)
          redrive       puts them back at the end of their spools and empties the dead-letter
                        files; the next 'nyx serve' replays them (refused again if the cause stays).
                        Stop serve first.

          --data-dir DIR    data directory (env NYX_DATA_DIR)
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
    if (args.positionals().size() != 1) {
      throw new UsageException("expected one action: dead-letters or redrive");
    }
    Map<String, String> flags = new HashMap<>();
    for (String f : VALUED) {
      if (args.has(f)) {
        flags.put(f, args.flags().get(f));
      }
    }
    Path spoolDir = ConfigLoader.load(flags, env).dataDir().resolve("spool");
    switch (args.positionals().getFirst()) {
      case "dead-letters" -> list(DeadLetters.list(spoolDir), spoolDir, out);
      case "redrive" ->
          out.printf(
              "put %d dead letter(s) back into the spools in %s%n",
              DeadLetters.redrive(spoolDir), spoolDir);
      default ->
          throw new UsageException(
              "unknown action '"
                  + args.positionals().getFirst()
                  + "'; expected dead-letters or redrive");
    }
    return 0;
  }

  private static void list(List<DeadLetter> letters, Path spoolDir, PrintStream out) {
    for (DeadLetter d : letters) {
      String frame = d.frameText();
      out.printf(
          "%s  %s  id=%s  sqlstate=%s%n  error: %s%n  write: %s%n",
          d.at(),
          d.spool(),
          d.frameId(),
          d.sqlState().isEmpty() ? "-" : d.sqlState(),
          d.error(),
          frame.length() <= SHOWN_CHARS
              ? frame
              : frame.substring(0, SHOWN_CHARS) + " ... (" + frame.length() + " chars)");
    }
    out.printf("%d dead letter(s) in %s%n", letters.size(), spoolDir);
  }
}
