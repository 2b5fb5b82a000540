package io.nyx.routing;

import java.util.Locale;

/** Who decides: embeddings only, the master model every time, or the master only on close calls. */
public enum RoutingMode {
  SEMANTIC,
  MASTER,
  HYBRID;

  /** The YAML spelling: semantic, master, hybrid. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the YAML spelling; null when it is none of them. */
  public static @org.jspecify.annotations.Nullable RoutingMode parse(String value) {
    for (RoutingMode m : values()) {
      if (m.key().equals(value)) {
        return m;
      }
    }
    return null;
  }
}
