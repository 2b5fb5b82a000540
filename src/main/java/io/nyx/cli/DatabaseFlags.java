package io.nyx.cli;

import io.nyx.app.Databases;
import io.nyx.config.NyxConfig;
import io.nyx.persistence.Database;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The flags of the commands that open Nyx's database without serving: where it is, the config. */
final class DatabaseFlags {
  /** Their lines in a usage text. */
  static final String USAGE =
      """
        --db-url URL      external PostgreSQL (env NYX_DB_URL; default: the embedded one, shared
                          with a 'nyx serve' running on the same data dir)
        --data-dir DIR    data directory of the embedded database (env NYX_DATA_DIR, default ~/.nyx)
        --config FILE     YAML configuration (env NYX_CONFIG)
      """;

  private DatabaseFlags() {}

  /**
   * The database of {@code config} for {@code command}: the one a server running on the same data
   * dir uses, if any (saying so on {@code err}), else opened as {@code nyx serve} would.
   */
  static Database open(NyxConfig config, String command, PrintStream err) {
    return Databases.openForCommand(
        config, notice -> err.println("nyx " + command + ": " + notice));
  }

  /** Those of them given, for {@code ConfigLoader.load} as serve would read them. */
  static Map<String, String> of(Args args) {
    Map<String, String> flags = new HashMap<>();
    for (String f : List.of("db-url", "data-dir", "config")) {
      if (args.has(f)) {
        flags.put(f, args.flags().get(f));
      }
    }
    return flags;
  }
}
