package io.nyx.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn in place with a carriage return. */
final class ProgressBar {
  static final int WIDTH = 30;
  private final PrintStream err;
  private final String what;

  ProgressBar(PrintStream err, String what) {
    this.err = err;
    this.what = what;
  }

  void show(int done, int total, String detail) {
    int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
    err.printf(
        "\r[%s%s] %3d%% %d/%d %s %s",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        total == 0 ? 100 : done * 100L / total,
        done,
        total,
        what,
        detail);
    err.flush();
  }

  void done() {
    err.println();
  }
}
