package io.nyx.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The flags of the commands that open Nyx's database without serving: where it is, the config. */
final class DatabaseFlags {
  /** Their lines in a usage text. */
  static final String USAGE =
      """
        --db-url URL      external PostgreSQL (env NYX_DB_URL; default: embedded, stop serve first)
        --data-dir DIR    data directory of the embedded database (env NYX_DATA_DIR)
        --config FILE     YAML configuration (env NYX_CONFIG)
      """;

  private DatabaseFlags() {}

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
