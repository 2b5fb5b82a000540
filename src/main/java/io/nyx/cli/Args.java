package io.nyx.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed arguments: {@code --name value}, {@code --name=value}, boolean {@code --name}, and
 * positionals. Unknown flags are usage errors, never ignored.
 */
record Args(Map<String, String> flags, List<String> positionals) {

  static Args parse(List<String> args, Set<String> valued, Set<String> booleans) {
    Map<String, String> flags = new LinkedHashMap<>();
    List<String> positionals = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--") || a.equals("--")) {
        positionals.add(a);
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (booleans.contains(name) && value == null) {
        flags.put(name, "true");
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = args.get(++i);
        }
        flags.put(name, value);
      } else {
        throw new UsageException("unknown option --" + name);
      }
    }
    return new Args(flags, positionals);
  }

  boolean has(String flag) {
    return flags.containsKey(flag);
  }

  /** The value of a flag the caller checked with {@link #has}; asking for any other is a bug. */
  String value(String flag) {
    String v = flags.get(flag);
    if (v == null) {
      throw new IllegalStateException("--" + flag + " was not given; check has() first");
    }
    return v;
  }
}
