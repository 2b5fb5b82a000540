package io.nyx.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code nyx <command> ...}. Commands write to the streams they are given and return an exit code:
 * 0 ok, 1 failure, 2 usage error.
 */
public final class Cli {
  static final String USAGE =
      """
      Usage: nyx <command> [options]

      Commands:
        serve     run the Nyx server (embedded PostgreSQL and embeddings by default)
        ask       send one question to a running server and print the answer
        route     route JSON lines from stdin to specialists, without calling a model
        eval-route  measure routing on a labeled JSON-lines file (accuracy, F1, confusion)
        screen    run Eleos's risk screen over JSON lines from stdin (what it flags, and why)
        keys      create, list and revoke API keys
        memory    import a .jsonl/.md/.txt file into Mnemosyne's memory (chunked, resumable)
        facts     import a .jsonl file of facts for Aletheia (resumable)
        exemplars list or remove learned route exemplars (feedback and corrections)
        spool     list or re-drive the writes the database refused for good (dead letters)
        rewards   recompute stored rewards with the current reward function
        export    write answered requests as fine-tuning data (SFT or preference pairs)
        adapters  list, register, canary, promote, roll back, retire adapter versions
        simulate  replay a labeled stream through the router and the trait learner (regret, curve)
        plan      size GPU memory for a model under vLLM: weights, KV cache, LoRA slots, cost

      Run 'nyx <command> --help' for a command's options, 'nyx --version' for the version.
      """;

  private Cli() {}

  public static int run(
      InputStream in, PrintStream out, PrintStream err, Map<String, String> env, String... args) {
    if (args.length == 0
        || args[0].equals("--help")
        || args[0].equals("-h")
        || args[0].equals("help")) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    if (args[0].equals("--version") || args[0].equals("version")) {
      out.println(Version.line());
      return 0;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    Command command =
        switch (args[0]) {
          case "serve" -> new ServeCommand(ServeCommand::onExit);
          case "ask" -> new AskCommand();
          case "route" -> new RouteCommand();
          case "eval-route" -> new EvalRouteCommand();
          case "screen" -> new ScreenCommand();
          case "keys" -> new KeysCommand();
          case "memory" -> new MemoryCommand();
          case "facts" -> new FactsCommand();
          case "exemplars" -> new ExemplarsCommand();
          case "spool" -> new SpoolCommand();
          case "rewards" -> new RewardsCommand(java.time.InstantSource.system());
          case "export" -> new ExportCommand(java.time.InstantSource.system());
          case "simulate" -> new SimulateCommand();
          case "plan" -> new PlanCommand(io.nyx.capacity.CapacityTables.shipped());
          case "adapters" -> new AdaptersCommand();
          default -> null;
        };
    if (command == null) {
      err.println("nyx: unknown command '" + args[0] + "'");
      err.print(USAGE);
      return 2;
    }
    return execute(command, rest, in, out, err, env);
  }

  private static int execute(
      Command command,
      List<String> rest,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env) {
    if (rest.contains("--help") || rest.contains("-h")) {
      out.print(command.usage());
      return 0;
    }
    try {
      return command.run(rest, in, out, err, env);
    } catch (UsageException e) {
      err.println("nyx " + command.name() + ": " + e.getMessage());
      err.print(command.usage());
      return 2;
    } catch (io.nyx.config.ConfigException e) {
      err.println("nyx " + command.name() + ": configuration error: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("nyx " + command.name() + ": " + e.getMessage());
      return 1;
    }
  }
}
