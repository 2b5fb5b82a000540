package io.nyx.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** One subcommand. */
interface Command {
  String name();

  String usage();

  int run(
      List<String> args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env)
      throws UsageException;
}
