package io.nyx.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;

/** {@code nyx --version}: Nyx's version (from the build) and the Java runtime it runs on. */
final class Version {
  private Version() {}

  static String line() {
    return String.format(
        Locale.ROOT,
        "nyx %s (Java %s, %s %s)",
        nyx(),
        Runtime.version(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"));
  }

  /** The version Maven wrote into the build, or "unknown" for classes not built by it. */
  static String nyx() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
