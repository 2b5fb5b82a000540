package io.nyx.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlendTest {
  /** Stands in for the JSON check of the CLI's ExampleLines (tested in ExampleLinesTest). */
  static final Blend.LineCheck OBJECTS =
      line -> {
        if (!line.startsWith("{")) {
          throw new IllegalArgumentException("not an object");
        }
      };

  @TempDir Path dir;

  private Path dataset(int n) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          "{\"messages\":[{\"role\":\"user\",\"content\":\"q"
              + i
              + "\"},{\"role\":\"assistant\",\"content\":\"a"
              + i
              + "\"}]}");
    }
    lines.add(""); // blank lines are skipped
    Path file = dir.resolve("outside.jsonl");
    Files.write(file, lines);
    return file;
  }

  private static List<String> written(Blend b, long own) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long k = b.write(own, out);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize((int) k);
    return lines;
  }

  @Test
  void outsideLinesMakeUpTheRatioWithoutRepeats() throws IOException {
    Path file = dataset(50);
    Blend b = Blend.of(file, OBJECTS, 0.2, 7);
    assertThat(b.count(40)).isEqualTo(10); // 10 of 50 lines = 0.2
    assertThat(b.count(0)).isZero();
    List<String> lines = written(b, 40);
    assertThat(new HashSet<>(lines)).hasSize(10);
    assertThat(Files.readAllLines(file)).containsAll(lines);
    assertThat(written(Blend.of(file, OBJECTS, 0.2, 7), 40)).isEqualTo(lines);
    assertThat(written(Blend.of(file, OBJECTS, 0.2, 8), 40)).isNotEqualTo(lines);
    assertThat(written(Blend.of(file, OBJECTS, 0.9, 7), 40))
        .as("a small file gives all it has, once each")
        .hasSize(50)
        .doesNotHaveDuplicates();
  }

  @Test
  void everyLineIsCheckedBeforeAnythingIsWritten() throws IOException {
    Path file = dataset(3);
    Files.writeString(file, "[1]\n", java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> Blend.of(file, OBJECTS, 0.2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ":5: not an object");
    Path sft = dataset(3);
    assertThatThrownBy(() -> Blend.of(sft, OBJECTS, 1, 0)).hasMessageContaining("[0, 1)");
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstLine() throws IOException {
    Path file = dir.resolve("bom.jsonl");
    String line = "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}";
    Files.writeString(file, "\uFEFF" + line + "\r\n" + line + "\r\n");
    Blend b = Blend.of(file, OBJECTS, 0.5, 0);
    assertThat(written(b, 2)).containsExactly(line, line);
  }
}
