package io.nyx.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs the training recipe's tests ({@code python3 -m unittest} in {@code training/}) from the
 * Maven build, so CI runs them: standard library only, against the exports in a directory.
 */
public final class PythonTests {
  public static final Path TRAINING = Path.of("training");

  private PythonTests() {}

  public record Result(int exitCode, String output) {}

  /** Whether {@code python3} runs here (3.10 or newer). */
  public static boolean available() {
    try {
      Process p =
          new ProcessBuilder(
                  "python3", "-c", "import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code python3 -m unittest discover} in {@code training/} with {@code NYX_EXPORT_DIR}. */
  public static Result run(Path exports) throws IOException, InterruptedException {
    Path log = Files.createTempFile("nyx-training-tests", ".log");
    try {
      ProcessBuilder b =
          new ProcessBuilder(
                  "python3", "-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v")
              .directory(TRAINING.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      b.environment().put("NYX_EXPORT_DIR", exports.toAbsolutePath().toString());
      b.environment().put("PYTHONDONTWRITEBYTECODE", "1");
      Process p = b.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after 5 minutes\n" + Files.readString(log));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
