package io.nyx;

import io.nyx.cli.Cli;

/** Process entry point: adapts the real streams and environment to {@link Cli}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.run(System.in, System.out, System.err, System.getenv(), args));
  }
}
