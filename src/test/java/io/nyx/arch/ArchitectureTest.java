package io.nyx.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Domain packages stay free of the HTTP server, JDBC and the metrics library (DESIGN.md "Shape of
 * the code"), so they can be tested with plain objects and swapped edges.
 */
class ArchitectureTest {
  static final Path SRC = Path.of("src/main/java/io/nyx");
  static final List<String> DOMAIN =
      List.of("routing", "learning", "specialist", "context", "pipeline");
  static final List<String> FORBIDDEN =
      List.of(
          "import io.helidon",
          "import java.sql",
          "import javax.sql",
          "import io.micrometer",
          "import io.nyx.persistence",
          "import io.nyx.api",
          "import io.nyx.app",
          "import org.postgresql");

  @Test
  void domainPackagesDoNotImportEdges() throws IOException {
    for (String pkg : DOMAIN) {
      try (Stream<Path> files = Files.walk(SRC.resolve(pkg))) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(ArchitectureTest::check);
      }
    }
  }

  @Test
  void onlyTheConfigLoaderReadsTheEnvironment() throws IOException {
    try (Stream<Path> files = Files.walk(SRC)) {
      List<Path> readers =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> read(f).contains("System.getenv"))
              .toList();
      assertThat(readers).containsExactly(SRC.resolve("Main.java"));
    }
  }

  private static void check(Path file) {
    String text = read(file);
    for (String f : FORBIDDEN) {
      assertThat(text).as(file + " must not contain '" + f + "'").doesNotContain(f);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
