package io.nyx;

import io.nyx.cli.Cli;
import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

/** Process entry point: adapts the real streams and environment to {@link Cli}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    configureLogging();
    System.exit(Cli.run(System.in, System.out, System.err, System.getenv(), args));
  }

  /** Quiet defaults for libraries unless the operator brought their own JUL configuration. */
  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream in = Main.class.getResourceAsStream("/nyx-logging.properties")) {
      if (in != null) {
        LogManager.getLogManager().readConfiguration(in);
      }
    } catch (IOException e) {
      System.err.println("nyx: cannot read default logging configuration: " + e);
    }
  }
}
